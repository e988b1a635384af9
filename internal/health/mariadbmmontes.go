package health

// mariadb.mmontes.io, the former group of k8s.mariadb.com, as Argo CD
// assesses it (resource_customizations/mariadb.mmontes.io): MariaDB as in
// the new group.
func init() {
	register("mariadb.mmontes.io", map[string]Check{"MariaDB": mariaDBHealth})
}
