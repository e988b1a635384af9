package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/tiphys/tiphys/internal/testenv"
)

// Given alice, who may get team-a's apps, on the application stream,
// when apps of both projects are created and one of hers changes,
// then she receives ADDED and MODIFIED events of team-a's apps only.
func TestApplicationStream(t *testing.T) {
	a := newAPI(t, "srv-stream")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c, err := cache.New(env.Config, cache.Options{Scheme: testenv.Scheme(), DefaultNamespaces: map[string]cache.Config{a.ns: {}}})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.Start(ctx) }()
	a.s.opts.Cache = c
	a.create(a.project("team-a"), a.project("team-b"))
	a.account("alice", "wonderland")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, alice, applications, get, team-a/*, allow\n"}})
	alice := a.login("alice", "wonderland")

	req, _ := http.NewRequestWithContext(ctx, "GET", a.url+"/api/v1/stream/applications", nil)
	req.Header.Set("Authorization", "Bearer "+alice)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	got := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var e watchEvent
			if json.Unmarshal([]byte(line), &e) == nil {
				got <- e.Result.Type + " " + e.Result.Application.Name
			}
		}
	}()
	a1 := a.app("a1", "team-a")
	a.create(a1, a.app("b1", "team-b"))
	a1.Labels = map[string]string{"changed": "yes"}
	if err := env.Client.Update(ctx, a1); err != nil {
		t.Fatal(err)
	}
	var seen []string
	deadline := time.After(30 * time.Second)
	for len(seen) < 2 {
		select {
		case e := <-got:
			if strings.HasSuffix(e, " b1") {
				t.Fatalf("alice received %q of team-b", e)
			}
			if len(seen) == 0 || seen[len(seen)-1] != e {
				seen = append(seen, e)
			}
		case <-deadline:
			t.Fatalf("events %v, want ADDED a1 then MODIFIED a1", seen)
		}
	}
	if seen[0] != "ADDED a1" || seen[1] != "MODIFIED a1" {
		t.Errorf("events %v, want ADDED a1 then MODIFIED a1", seen)
	}
}
