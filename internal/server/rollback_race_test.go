package server

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tiphys/tiphys/internal/controller/application"
)

// Given an automated app and a manual one, deployed at v1 then v2, on a
// repository whose pushes take a second (so the calls overlap),
// when the admin asks three times at once to roll each back,
// then one call per app is answered 200 and the others 409 naming the
// rollback in progress; the branch gets one revert commit per app, and each
// app's hold names the revert commit that is on the branch, so the
// cluster, the hold and Git agree.
func TestConcurrentRollbacks(t *testing.T) {
	a := newAPI(t, unique("srv-rollrace"))
	tests := []struct {
		name      string
		automated bool
	}{{"auto", true}, {"manual", false}}
	admin := a.admin()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, good, bad := newServedRepo(t)
			hook := filepath.Join(repo.bare.Dir, "hooks", "pre-receive")
			if err := os.WriteFile(hook, []byte("#!/bin/sh\nsleep 1\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			a.historyApp(tt.name, repo, good, bad, tt.automated)
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				statuses = map[int]int{}
				bodies   []string
			)
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, body := a.call("POST", "/api/v1/applications/"+tt.name+"/rollback", admin, map[string]any{"id": 1})
					mu.Lock()
					defer mu.Unlock()
					statuses[status]++
					if status != http.StatusOK {
						bodies = append(bodies, body)
					}
				}()
			}
			wg.Wait()
			if statuses[http.StatusOK] != 1 || statuses[http.StatusConflict] != 2 {
				t.Errorf("answers %v, want one 200 and two 409: %s", statuses, strings.Join(bodies, "\n"))
			}
			for _, b := range bodies {
				if !strings.Contains(b, "in progress") {
					t.Errorf("refused rollback does not say why: %s", b)
				}
			}
			if n := repo.bare.Git("rev-list", "--count", bad+"..main"); n != "1" {
				t.Errorf("%s revert commits on main, want 1:\n%s", n, repo.bare.Git("log", "--format=%h %s", "main"))
			}
			hold, err := application.ReadHold(context.Background(), env.Client, a.ns, a.ns, tt.name)
			if err != nil || hold == nil || hold.Revision != good || hold.Revert != repo.bare.Git("rev-parse", "main") {
				t.Errorf("hold %+v (%v), want at %s with the revert on main", hold, err, good)
			}
		})
	}
}

// Given a namespace where no app was ever rolled back (no holds ConfigMap
// yet) and two apps, when both are rolled back at once, then both are
// answered 200 and both holds are written: the second writer of the new
// ConfigMap adds its key instead of failing on "already exists".
func TestFirstRollbacksAtOnce(t *testing.T) {
	a := newAPI(t, unique("srv-rollfirst"))
	admin := a.admin()
	apps := []string{"one", "two"}
	repos := map[string]*servedRepo{}
	for _, name := range apps {
		repo, good, bad := newServedRepo(t)
		repos[name] = repo
		a.historyApp(name, repo, good, bad, true)
	}
	var wg sync.WaitGroup
	answers := make([]string, len(apps))
	for i, name := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, body := a.call("POST", "/api/v1/applications/"+name+"/rollback", admin, map[string]any{"id": 1})
			if status != http.StatusOK {
				answers[i] = body
			}
		}()
	}
	wg.Wait()
	for i, name := range apps {
		if answers[i] != "" {
			t.Errorf("rollback of %s: %s", name, answers[i])
		}
		hold, err := application.ReadHold(context.Background(), env.Client, a.ns, a.ns, name)
		if err != nil || hold == nil || hold.Revert != repos[name].bare.Git("rev-parse", "main") {
			t.Errorf("hold of %s: %+v (%v), want one with its revert commit", name, hold, err)
		}
	}
}
