package application_test

import (
	"context"
	"strings"
	"testing"

	eventsv1 "k8s.io/api/events/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

func contested(value string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: contested}\ndata: {owner: " + value + "}\n"
}

func hasSharedWarning(app *v1alpha1.Application) bool {
	for _, c := range app.Status.Conditions {
		if c.Type == v1alpha1.ApplicationConditionSharedResourceWarning && strings.Contains(c.Message, "contested") {
			return true
		}
	}
	return false
}

// Given two apps with selfHeal that render the same ConfigMap differently,
// when they fight over it,
// then self-heal backs off (the attempts count of an app grows, each
// attempt after a longer wait), both apps keep the SharedResourceWarning
// whoever wrote last, and the repeated sync Events are aggregated instead
// of piling up.
func TestSelfHealFightBacksOff(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	repo.Commit("apps", map[string]string{"a/cm.yaml": contested("a"), "b/cm.yaml": contested("b")})
	newApp(t, "fight-a", repo.URL(), "a", automated(false, true))
	newApp(t, "fight-b", repo.URL(), "b", automated(false, true), func(a *v1alpha1.Application) {
		a.Spec.Destination.Namespace = "fight-a"
	})
	eventually(t, "self-heal backing off in the fight", func() (bool, error) {
		for _, name := range []string{"fight-a", "fight-b"} {
			if os := getApp(t, name).Status.OperationState; os != nil && os.Operation.Sync != nil && os.Operation.Sync.SelfHealAttemptsCount >= 3 {
				return true, nil
			}
		}
		return false, nil
	})
	for range 3 {
		for _, name := range []string{"fight-a", "fight-b"} {
			if app := refreshed(t, name); !hasSharedWarning(app) {
				t.Errorf("%s lost the SharedResourceWarning while the fight goes on: %v", name, app.Status.Conditions)
			}
		}
	}
	var events eventsv1.EventList
	if err := env.Client.List(ctx, &events, client.InNamespace("argocd")); err != nil {
		t.Fatal(err)
	}
	started := 0
	for _, e := range events.Items {
		if e.Regarding.Name == "fight-a" && e.Reason == "OperationStarted" {
			started++
		}
	}
	if started > 2 {
		t.Errorf("%d OperationStarted Event objects for fight-a: repeated Events are not aggregated", started)
	}
}
