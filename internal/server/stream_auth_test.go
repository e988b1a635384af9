package server

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/testenv"
)

// Given alice on the application stream, receiving her app a1,
// when her account is disabled and a1 changes again,
// then she receives no more of a1 and the stream ends, as a disabled
// account's tokens stop working at once.
func TestStreamEndsWithTheSession(t *testing.T) {
	a := newAPI(t, unique("srv-streamauth"))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c, err := cache.New(env.Config, cache.Options{Scheme: testenv.Scheme(), DefaultNamespaces: map[string]cache.Config{a.ns: {}}})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.Start(ctx) }()
	a.s.opts.Cache = c
	a.create(a.project("team-a"))
	a.account("alice", "wonderland")
	a.create(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: rbacConfigMap}, Data: map[string]string{
		"policy.csv": "p, alice, applications, get, team-a/*, allow\n"}})
	alice := a.login("alice", "wonderland")
	a1 := a.app("a1", "team-a")
	a.create(a1)

	req, _ := http.NewRequestWithContext(ctx, "GET", a.url+"/api/v1/stream/applications", nil)
	req.Header.Set("Authorization", "Bearer "+alice)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if l, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				lines <- l
			}
		}
	}()
	next := func() (string, bool) {
		select {
		case l, ok := <-lines:
			return l, ok
		case <-time.After(10 * time.Second):
			return "", true
		}
	}
	if l, _ := next(); !strings.Contains(l, `"name":"a1"`) {
		t.Fatalf("first event %q, want a1", l)
	}

	cm := &corev1.ConfigMap{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: a.ns, Name: settingsConfigMap}, cm); err != nil {
		t.Fatal(err)
	}
	cm.Data["accounts.alice.enabled"] = "false"
	if err := env.Client.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // past the stream's re-check interval
	a1.Labels = map[string]string{"after": "disabled"}
	if err := env.Client.Update(ctx, a1); err != nil {
		t.Fatal(err)
	}
	for {
		l, open := next()
		if strings.Contains(l, `"after":"disabled"`) {
			t.Fatalf("a disabled account received %s", l)
		}
		if !open {
			return // the stream ended
		}
		if l == "" {
			t.Fatal("the stream of a disabled account is still open")
		}
	}
}
