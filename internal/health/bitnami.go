package health

// bitnami.com, as Argo CD assesses it (resource_customizations/bitnami.com).
func init() {
	register("bitnami.com", map[string]Check{
		// SealedSecret: the first Synced condition, True Healthy or False
		// Degraded, with its message; follows
		// resource_customizations/bitnami.com/SealedSecret.
		"SealedSecret": readyRule{Type: "Synced", Waiting: "Waiting for Sealed Secret to be decrypted"}.check,
	})
}
