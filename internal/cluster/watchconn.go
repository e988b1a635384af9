package cluster

import (
	"errors"
	"net"
	"net/http"
	"time"

	"k8s.io/client-go/rest"
)

// redialInterval is how often a watch connection to a cluster that refused
// it is tried again.
const redialInterval = 250 * time.Millisecond

// WatchConfig returns a copy of cfg for informers' lists and watches: a GET
// that cannot connect (the API server is restarting, or the network is
// down) is tried again every 250 ms until it connects or its context ends,
// instead of failing. client-go's reflector backs off up to 30 s between
// failed attempts, so after an outage of a few seconds drift would go
// unseen for as long; with this transport a watch is back within a
// quarter of a second of the server. Only connection failures are
// retried: an answer from the server, even an error, is returned at once.
func WatchConfig(cfg *rest.Config) *rest.Config {
	out := rest.CopyConfig(cfg)
	out.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripper(func(req *http.Request) (*http.Response, error) {
			for {
				resp, err := rt.RoundTrip(req)
				if err == nil || req.Method != http.MethodGet || !isDialError(err) {
					return resp, err
				}
				select {
				case <-req.Context().Done():
					return resp, err
				case <-time.After(redialInterval):
				}
			}
		})
	})
	return out
}

// isDialError reports a request that never reached the server.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
