package exampleapps_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given the examples that cannot run here (a plugin, a chart download, a
// kind the plane lacks), each as an Application of its own,
// when they are reconciled,
// then each says why, naming the cause (a ComparisonError, or a sync that
// fails before it changes anything), instead of hanging or half-syncing.
func TestSkippedExamplesSayWhy(t *testing.T) {
	dir := checkout(t)
	var skipped []example
	for _, e := range catalog(t, dir) {
		if e.Skip != "" {
			skipped = append(skipped, e)
		}
	}
	if len(skipped) == 0 {
		t.Skip("every example runs here")
	}
	repo := gittest.New(t)
	repo.CopyDir(dir)
	repo.Commit("argocd-example-apps", nil)
	suffix := fmt.Sprintf("-%d", time.Now().UnixNano()%100000)
	for _, e := range skipped {
		name := "skipped-" + strings.ReplaceAll(e.Name, ".", "-") + suffix
		src := e.Source
		src.RepoURL, src.TargetRevision = repo.URL(), "HEAD"
		create(t, &v1alpha1.Application{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "argocd", Finalizers: []string{"resources-finalizer.argocd.argoproj.io"}},
			Spec: v1alpha1.ApplicationSpec{
				Project:     "default",
				Destination: v1alpha1.ApplicationDestination{Server: application.InCluster, Namespace: name},
				Source:      &src,
				SyncPolicy: &v1alpha1.SyncPolicy{Automated: &v1alpha1.SyncPolicyAutomated{Prune: true},
					SyncOptions: v1alpha1.SyncOptions{"CreateNamespace=true"}},
			},
		})
		t.Run(e.Name, func(t *testing.T) {
			var why string
			eventually(t, name+" says why it cannot run", 2*time.Minute, func() (bool, error) {
				app, err := getApp(name)
				if err != nil {
					return false, err
				}
				for _, c := range app.Status.Conditions {
					if c.Type == v1alpha1.ApplicationConditionComparisonError {
						why = c.Message
					}
				}
				if op := app.Status.OperationState; why == "" && op != nil && (op.Phase == v1alpha1.OperationFailed || op.Phase == v1alpha1.OperationError) {
					why = op.Message
				}
				return why != "", fmt.Errorf("%s", describe(app))
			})
			t.Logf("%s: %s", e.Name, why)
			if !strings.Contains(why, e.Cause) {
				t.Errorf("the reason %q does not name %q", why, e.Cause)
			}
		})
	}
}
