package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// app is Application i: a Helm-rendered microservice in one of 20
// projects, Synced, with 8 resources, a finished sync and 3 history
// entries; one in 10 is Degraded, one in 7 OutOfSync.
func app(i int) *v1alpha1.Application {
	name := fmt.Sprintf("svc-%05d", i)
	src := v1alpha1.ApplicationSource{RepoURL: "https://git.example.com/platform.git", Path: "charts/microservice",
		TargetRevision: "main", Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"../../environments/production/" + name + "/values.yaml"}}}
	a := &v1alpha1.Application{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name,
			Labels: map[string]string{"team": fmt.Sprintf("team-%02d", i%20), "env": "production"}},
		Spec: v1alpha1.ApplicationSpec{Project: fmt.Sprintf("team-%02d", i%20), Source: &src,
			Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: name},
			SyncPolicy:  &v1alpha1.SyncPolicy{Automated: &v1alpha1.SyncPolicyAutomated{}, SyncOptions: []string{"CreateNamespace=true"}}},
	}
	rev := fmt.Sprintf("%040x", i)
	sync, health := v1alpha1.SyncStatusCodeSynced, "Healthy"
	if i%7 == 3 {
		sync = v1alpha1.SyncStatusCodeOutOfSync
	}
	if i%10 == 5 {
		health = "Degraded"
	}
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	st := &a.Status
	st.Sync = v1alpha1.SyncStatus{Status: sync, Revision: rev}
	st.Health.Status = v1alpha1.HealthStatusCode(health)
	for _, r := range [][3]string{{"", "ServiceAccount", name}, {"", "ConfigMap", name + "-config"}, {"", "Secret", name + "-db"},
		{"", "Service", name}, {"apps", "Deployment", name}, {"autoscaling", "HorizontalPodAutoscaler", name},
		{"policy", "PodDisruptionBudget", name}, {"networking.k8s.io", "Ingress", name}} {
		version := "v1"
		if r[0] == "autoscaling" {
			version = "v2"
		}
		st.Resources = append(st.Resources, v1alpha1.ResourceStatus{Group: r[0], Version: version, Kind: r[1], Namespace: name, Name: r[2],
			Status: sync, Health: &v1alpha1.HealthStatus{Status: v1alpha1.HealthStatusCode(health)}})
	}
	for h := int64(1); h <= 3; h++ {
		st.History = append(st.History, v1alpha1.RevisionHistory{ID: h, Revision: rev, Source: src, DeployedAt: now, DeployStartedAt: &now})
	}
	st.OperationState = &v1alpha1.OperationState{Phase: v1alpha1.OperationSucceeded, Message: "successfully synced (all tasks run)",
		Operation: v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Revision: rev}, InitiatedBy: v1alpha1.OperationInitiator{Automated: true}},
		StartedAt: now, FinishedAt: &now}
	st.ReconciledAt = &now
	return a
}

// createApps creates apps 0…n-1, those that do not exist yet, with 8
// clients at once; the status is written with the object (the CRD has no
// status subresource).
func createApps(ctx context.Context, c client.Client, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if err := c.Create(ctx, app(i)); err != nil && !apierrors.IsAlreadyExists(err) {
					errs <- fmt.Errorf("create app %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// waitListed waits until the server lists n apps (its cache caught up).
func waitListed(base, token string, n int) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		body, _, err := get(base+"/api/v1/applications?fields=items.metadata.name", token)
		if err != nil {
			return err
		}
		var list struct{ Items []json.RawMessage }
		if err := json.Unmarshal(body, &list); err != nil {
			return err
		}
		if len(list.Items) >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server lists %d apps after 5 minutes, want %d", len(list.Items), n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// login logs in as admin with the initial password.
func login(base, password string) (string, error) {
	resp, err := httpPost(base+"/api/v1/session", `{"username":"admin","password":"`+password+`"}`)
	if err != nil {
		return "", err
	}
	var session struct{ Token string }
	if err := json.Unmarshal(resp, &session); err != nil || session.Token == "" {
		return "", fmt.Errorf("login: %s", strings.TrimSpace(string(resp)))
	}
	return session.Token, nil
}
