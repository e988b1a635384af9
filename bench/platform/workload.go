package main

import (
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/tiphys/tiphys/bench/internal/measure"
	"github.com/tiphys/tiphys/internal/cluster"
)

// workloadName is the cluster the example's production apps target.
const workloadName = "workload"

// workload stands in for the cluster "workload": a TLS reverse proxy in
// this process to the plane, with a URL (and so a cluster Secret) of its
// own. The controllers build their client of a cluster Secret themselves,
// outside the rest.Config the benchmark wraps; the proxy counts those
// requests instead, in requests and in the benchmark's counter.
type workload struct {
	server   *httptest.Server
	requests *measure.Requests
}

// startWorkload starts the proxy to plane; all counts its requests too.
func startWorkload(plane *rest.Config, all *measure.Requests) (*workload, error) {
	target, err := url.Parse(plane.Host)
	if err != nil {
		return nil, fmt.Errorf("workload proxy: plane %q: %w", plane.Host, err)
	}
	rt, err := rest.TransportFor(plane)
	if err != nil {
		return nil, fmt.Errorf("workload proxy: %w", err)
	}
	w := &workload{requests: measure.NewRequests()}
	proxy := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: w.requests.Wrap(all.Wrap(rt)),
		// Watches stream: every event goes through at once.
		FlushInterval: -1,
		// A watch the controllers end is a canceled request, not news.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	w.server = httptest.NewUnstartedServer(proxy)
	w.server.Config.ErrorLog = log.New(io.Discard, "", 0)
	w.server.EnableHTTP2 = true // as an API server: watches share connections
	w.server.StartTLS()
	return w, nil
}

// secret is the cluster Secret of "workload": the proxy's URL and
// certificate, and the plane's token, which the proxy passes on.
func (w *workload) secret(namespace, token string) (*corev1.Secret, error) {
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: w.server.Certificate().Raw})
	s, err := cluster.NewSecret(namespace, cluster.ClusterInfo{Name: workloadName, Server: w.server.URL},
		cluster.Config{BearerToken: token, TLSClientConfig: cluster.TLSClientConfig{CAData: ca}})
	if err != nil {
		return nil, fmt.Errorf("cluster secret %s: %w", workloadName, err)
	}
	return s, nil
}

// close ends the proxy's connections (open watches included) and the
// proxy. The controllers' client of the cluster outlives their manager and
// tries to watch again: client-go's log is silenced first.
func (w *workload) close() {
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
	w.server.CloseClientConnections()
	w.server.Close()
}
