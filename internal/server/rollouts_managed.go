package server

import (
	"context"
	"net/http"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// managedRollout is a Rollout an Application manages (its
// status.resources), on the app's destination cluster.
type managedRollout struct {
	app *v1alpha1.Application
	key client.ObjectKey
}

// managedRollouts are the Rollouts the server's Applications manage, those
// of app only when app is not "", in namespace only when it is not "".
func (s *Server) managedRollouts(ctx context.Context, app, namespace string) ([]managedRollout, error) {
	var apps v1alpha1.ApplicationList
	if err := s.opts.Client.List(ctx, &apps, client.InNamespace(s.opts.Namespace), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	var out []managedRollout
	for i := range apps.Items {
		a := &apps.Items[i]
		if app != "" && a.Name != app {
			continue
		}
		for _, res := range a.Status.Resources {
			if res.Group == v1alpha1.SchemeGroupVersion.Group && res.Kind == "Rollout" && (namespace == "" || res.Namespace == namespace) {
				out = append(out, managedRollout{app: a, key: client.ObjectKey{Namespace: res.Namespace, Name: res.Name}})
			}
		}
	}
	return out, nil
}

// rolloutClient is the client of the cluster an app deploys to: the
// server's own for its own cluster (or without Clusters).
func (s *Server) rolloutClient(ctx context.Context, a *v1alpha1.Application) (client.Client, error) {
	if s.opts.Clusters == nil {
		return s.opts.Client, nil
	}
	c, err := s.opts.Clusters.Client(ctx, a.Spec.Destination, s.opts.Client.Scheme())
	if err != nil {
		return nil, errorf(http.StatusBadGateway, "application %s: destination: %v", a.Name, err)
	}
	if c == nil {
		return s.opts.Client, nil
	}
	return c, nil
}

// remote reports whether a managed Rollout lives on another cluster than
// the server's.
func (s *Server) remote(ctx context.Context, m managedRollout) bool {
	c, err := s.rolloutClient(ctx, m.app)
	return err == nil && c != s.opts.Client
}
