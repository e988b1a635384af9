package server

import (
	"context"
	"net/http"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given apps with the resources finalizer,
// when the admin deletes them with each spelling of cascade and
// propagationPolicy a script may send,
// then Argo CD's boolean spellings are taken (False, 0 leave the
// resources), and a propagation policy with cascade off, an unknown
// cascade or an unknown policy is 400 with the app left as it was.
func TestDeleteParameters(t *testing.T) {
	a := newAPI(t, unique("srv-delparams"))
	admin := a.admin()
	tests := []struct {
		name, query string
		status      int
		// gone: the app was deleted without the finalizer (cascade off).
		gone bool
	}{
		{"false-capitalised", "cascade=False", http.StatusOK, true},
		{"zero", "cascade=0", http.StatusOK, true},
		{"policy-without-cascade", "cascade=false&propagationPolicy=background", http.StatusBadRequest, false},
		{"unknown-cascade", "cascade=maybe", http.StatusBadRequest, false},
		{"unknown-policy", "propagationPolicy=orphan", http.StatusBadRequest, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := a.app(tt.name, "default")
			app.Finalizers = []string{"resources-finalizer.argocd.argoproj.io"}
			a.create(app)
			status, body := a.call("DELETE", "/api/v1/applications/"+tt.name+"?"+tt.query, admin, nil)
			if status != tt.status {
				t.Fatalf("delete ?%s: %d %s, want %d", tt.query, status, body, tt.status)
			}
			got := &v1alpha1.Application{}
			err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(app), got)
			switch {
			case tt.gone && client.IgnoreNotFound(err) != nil, tt.gone && err == nil:
				t.Errorf("after ?%s: %v (finalizers %v), want gone", tt.query, err, got.Finalizers)
			case !tt.gone && (err != nil || got.DeletionTimestamp != nil || len(got.Finalizers) != 1):
				t.Errorf("after a refused ?%s: %v deleting %v finalizers %v, want untouched", tt.query, err, got.DeletionTimestamp, got.Finalizers)
			}
		})
	}
}
