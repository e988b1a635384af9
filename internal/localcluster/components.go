package localcluster

import (
	"fmt"
	"path/filepath"
	"strconv"
)

const (
	// serviceCIDR is the Service IP range; serviceIP is the kubernetes Service's IP in it.
	serviceCIDR = "10.96.0.0/16"
	serviceIP   = "10.96.0.1"
	// podCIDR is where kwok hands out pod IPs.
	podCIDR = "10.244.0.0/16"
)

// Program names, also the names of their logs and the keys of Options.ExtraArgs.
const (
	Etcd              = "etcd"
	APIServer         = "kube-apiserver"
	ControllerManager = "kube-controller-manager"
	Scheduler         = "kube-scheduler"
	Kwok              = "kwok"
)

// component is a program of the plane and the arguments it runs with.
type component struct {
	name string
	bin  string
	args []string
}

func etcdComponent(o Options, p ports) component {
	client := fmt.Sprintf("http://127.0.0.1:%d", p.EtcdClient)
	peer := fmt.Sprintf("http://127.0.0.1:%d", p.EtcdPeer)
	return component{name: Etcd, bin: filepath.Join(o.BinDir, "etcd"), args: []string{
		"--name=tiphys",
		"--data-dir=" + filepath.Join(o.Dir, "etcd"),
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=tiphys=" + peer,
		// A local plane is rebuilt, not recovered: skipping fsync makes it
		// several times faster on small disks.
		"--unsafe-no-fsync",
		"--quota-backend-bytes=8589934592",
		"--log-level=warn",
	}}
}

func apiServerComponent(o Options, p ports, k pki) component {
	return component{name: APIServer, bin: filepath.Join(o.BinDir, APIServer), args: []string{
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", p.EtcdClient),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(p.APIServer),
		"--cert-dir=" + filepath.Join(o.Dir, "pki"),
		"--tls-cert-file=" + k.ServingCert,
		"--tls-private-key-file=" + k.ServingKey,
		"--client-ca-file=" + k.CACert,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + k.SAPub,
		"--service-account-signing-key-file=" + k.SAKey,
		"--token-auth-file=" + k.TokenFile,
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range=" + serviceCIDR,
		"--allow-privileged=true",
		// Pods never reach this API server over the network: no endpoints are
		// published for the kubernetes Service, so a loopback address is allowed.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
		"--v=1",
	}}
}

func controllerManagerComponent(o Options, k pki, kubeconfig string) component {
	return component{name: ControllerManager, bin: filepath.Join(o.BinDir, ControllerManager), args: []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
		"--service-account-private-key-file=" + k.SAKey,
		"--root-ca-file=" + k.CACert,
		"--controllers=*",
		"--service-cluster-ip-range=" + serviceCIDR,
		// The default of 20 requests per second capped large syncs: the plane
		// stands in for a real cluster and must not be the bottleneck.
		"--kube-api-qps=100",
		"--kube-api-burst=200",
		"--profiling=false",
		"--v=1",
	}}
}

func schedulerComponent(o Options, kubeconfig string) component {
	return component{name: Scheduler, bin: filepath.Join(o.BinDir, Scheduler), args: []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
		"--profiling=false",
		"--v=1",
	}}
}

func kwokComponent(o Options, p ports, kubeconfig string, stages []string) component {
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=" + kwokNodeAnnotation + "=fake",
		"--cidr=" + podCIDR,
		"--node-ip=127.0.0.1",
		"--server-address=" + fmt.Sprintf("127.0.0.1:%d", p.Kwok),
	}
	for _, s := range stages {
		args = append(args, "--config="+s)
	}
	return component{name: Kwok, bin: filepath.Join(o.BinDir, Kwok), args: args}
}
