// Package localcluster runs a real Kubernetes control plane as local
// processes: etcd, kube-apiserver, kube-controller-manager, kube-scheduler
// and kwok, which plays the kubelets of fake nodes.
//
// # State directory
//
// Everything a plane needs lives under one directory: etcd's data, the keys
// and certificates made at first start, the admin token, the ports chosen,
// the kubeconfig and one log file per process. Starting again on an existing
// directory keeps etcd's data, the keys and, where still free, the ports, so
// a kubeconfig written earlier stays valid.
//
// # Supervision
//
// [Start] returns once the API answers, the nodes are Ready and the default
// ServiceAccount exists. From then on the plane watches its processes: when
// one exits, [Cluster.Done] closes and [Cluster.Err] names the process and
// shows the last lines of its log. [Detach] runs a plane in a background
// supervisor process and [Down] stops it from another process.
package localcluster
