package health

// clickhouse-keeper.altinity.com, as Argo CD assesses it
// (resource_customizations/clickhouse-keeper.altinity.com).
func init() {
	register("clickhouse-keeper.altinity.com", map[string]Check{
		// ClickHouseKeeperInstallation: status.status Completed is Healthy,
		// InProgress Progressing, any other Degraded; follows
		// resource_customizations/clickhouse-keeper.altinity.com/ClickHouseKeeperInstallation.
		"ClickHouseKeeperInstallation": altinityRule("ClickHouseKeeper"),
	})
}
