package git_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// remote is a repository served over HTTP by git http-backend that counts
// the requests it answers and can hold ref advertisements.
type remote struct {
	t    *testing.T
	src  *gittest.Repo
	bare string
	url  string
	// adverts counts ref advertisements (GET info/refs): one per listing,
	// and one more per fetch, which fetches count (POST git-upload-pack).
	adverts, fetches atomic.Int64

	mu      sync.Mutex
	gate    chan struct{} // while not nil, advertisements wait for it to close
	arrived chan struct{} // receives one value per advertisement held
}

func newRemote(t *testing.T, user, password string) *remote {
	t.Helper()
	root := t.TempDir()
	r := &remote{t: t, src: gittest.New(t)}
	r.src.Commit("one", map[string]string{"a.yaml": "a: 1\n"})
	r.bare = filepath.Join(root, "repo.git")
	r.src.Git("clone", "-q", "--bare", r.src.Dir, r.bare)
	backend := gittest.Handler(t, root, user, password)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/info/refs"):
			r.adverts.Add(1)
			r.mu.Lock()
			gate, arrived := r.gate, r.arrived
			r.mu.Unlock()
			if gate != nil {
				select {
				case arrived <- struct{}{}:
				default:
				}
				<-gate
			}
		case req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/git-upload-pack"):
			r.fetches.Add(1)
		}
		backend.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL + "/repo.git"
	return r
}

// push commits a change and pushes it to the served repository.
func (r *remote) push(msg string) string {
	r.t.Helper()
	sha := r.src.Commit(msg, map[string]string{"a.yaml": "a: " + msg + "\n"})
	r.src.Git("push", "-q", r.bare, "main")
	return sha
}

// hold makes advertisements wait until the returned release is called.
func (r *remote) hold() (arrived <-chan struct{}, release func()) {
	gate, ch := make(chan struct{}), make(chan struct{}, 16)
	r.mu.Lock()
	r.gate, r.arrived = gate, ch
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		r.gate = nil
		r.mu.Unlock()
		close(gate)
	}
}

// within waits for a value from ch, failing the test after a minute.
func within[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("%s: did not happen", what)
		var zero T
		return zero
	}
}

func (r *remote) counts() (adverts, fetches int64) { return r.adverts.Load(), r.fetches.Load() }

func listingCache(t *testing.T, interval time.Duration) *git.Cache {
	t.Helper()
	c, err := git.NewCache(git.CacheOptions{Dir: t.TempDir(), ListInterval: interval})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Given 20 applications of one repository reconciled at once, the remote
// is listed once and fetched once; later calls within the interval ask it
// nothing.
func TestListingSharedByConcurrentCalls(t *testing.T) {
	rem := newRemote(t, "", "")
	want := rem.src.Git("rev-parse", "HEAD")
	r := open(t, listingCache(t, time.Hour), rem.url)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{})
			if err == nil && got != want {
				err = errors.New("resolved " + got + ", want " + want)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if adverts, fetches := rem.counts(); adverts != 2 || fetches != 1 {
		t.Errorf("20 concurrent calls: %d advertisements and %d fetches, want 2 and 1 (one listing, one fetch)", adverts, fetches)
	}
	for range 20 {
		if _, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if adverts, fetches := rem.counts(); adverts != 2 || fetches != 1 {
		t.Errorf("20 more calls within the interval: %d advertisements and %d fetches, want no more", adverts, fetches)
	}
}

// Within the interval a push is not seen by an ordinary call; a refresh
// lists again and sees it, and its listing then answers ordinary calls.
// Without an interval every call lists.
func TestRefreshListsAgain(t *testing.T) {
	rem := newRemote(t, "", "")
	first := rem.src.Git("rev-parse", "HEAD")
	r := open(t, listingCache(t, time.Hour), rem.url)
	ordinary := func() string {
		t.Helper()
		sha, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return sha
	}
	if got := ordinary(); got != first {
		t.Fatalf("main = %s, want %s", got, first)
	}
	second := rem.push("two")
	if got := ordinary(); got != first {
		t.Errorf("within the interval main = %s, want the listed %s", got, first)
	}
	adverts, fetches := rem.counts()
	if got := resolve(t, r, "main"); got != second { // resolve refreshes
		t.Errorf("after a refresh main = %s, want the pushed %s", got, second)
	}
	if a, f := rem.counts(); a-adverts != 2 || f-fetches != 1 {
		t.Errorf("refresh: %d advertisements and %d fetches, want 2 and 1 (a listing and a fetch)", a-adverts, f-fetches)
	}
	if got := ordinary(); got != second {
		t.Errorf("after the refresh main = %s, want %s", got, second)
	}

	every := open(t, listingCache(t, -1), rem.url)
	adverts, _ = rem.counts()
	for range 3 {
		if _, err := every.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if a, _ := rem.counts(); a-adverts != 4 {
		t.Errorf("3 calls without an interval: %d advertisements, want 4 (3 listings, 1 fetch)", a-adverts)
	}
}

// A refresh never takes the result of a listing that started before it:
// it waits for that one and lists again. An ordinary call takes it.
func TestRefreshDoesNotJoinAnEarlierListing(t *testing.T) {
	rem := newRemote(t, "", "")
	r := open(t, listingCache(t, time.Hour), rem.url)
	resolve(t, r, "main")
	adverts, fetches := rem.counts()

	arrived, release := rem.hold()
	results := make(chan error, 3)
	go func() {
		_, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{Refresh: true})
		results <- err
	}()
	within(t, "the first refresh lists", arrived) // its listing is in flight, held by the server
	pushed := rem.push("two")
	var later string
	go func() {
		sha, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{Refresh: true})
		if err == nil && sha != pushed {
			err = errors.New("the later refresh resolved " + sha + ", want the pushed " + pushed)
		}
		later = sha
		results <- err
	}()
	go func() {
		_, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{})
		results <- err
	}()
	release()
	for range 3 {
		if err := within(t, "a call returns", results); err != nil {
			t.Fatal(err)
		}
	}
	// The first refresh: a listing and a fetch (it saw the push); the later
	// one: a listing of its own, nothing new to fetch; the ordinary call:
	// nothing of its own.
	if a, f := rem.counts(); a-adverts != 3 || f-fetches != 1 {
		t.Errorf("%d advertisements and %d fetches, want 3 and 1 (later refresh resolved %s)", a-adverts, f-fetches, later)
	}
}

// A caller that gives up does not fail the others waiting for the same
// listing.
func TestListingOutlivesACallerThatGivesUp(t *testing.T) {
	rem := newRemote(t, "", "")
	want := rem.src.Git("rev-parse", "HEAD")
	r := open(t, listingCache(t, time.Hour), rem.url)
	arrived, release := rem.hold()
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() { _, err := r.Resolve(ctx, "main", git.Credentials{}, git.FetchOptions{}); gaveUp <- err }()
	within(t, "the first call lists", arrived)
	waited := make(chan error, 1)
	go func() {
		sha, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{})
		if err == nil && sha != want {
			err = errors.New("resolved " + sha + ", want " + want)
		}
		waited <- err
	}()
	cancel()
	if err := within(t, "the caller gives up", gaveUp); !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that gave up: err = %v, want context.Canceled", err)
	}
	release()
	if err := within(t, "the waiting caller returns", waited); err != nil {
		t.Errorf("the caller that waited: %v", err)
	}
}

// Calls with other credentials never take a listing made with good ones.
func TestListingNotSharedAcrossCredentials(t *testing.T) {
	rem := newRemote(t, "bot", "s3cret-token")
	r := open(t, listingCache(t, time.Hour), rem.url)
	good := git.Credentials{Username: "bot", Password: "s3cret-token"}
	if _, err := r.Resolve(context.Background(), "main", good, git.FetchOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(context.Background(), "main", git.Credentials{Username: "bot", Password: "wrong"}, git.FetchOptions{}); err == nil {
		t.Error("a call with a wrong password was answered by the listing made with the right one")
	}
	if _, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{}); err == nil {
		t.Error("an anonymous call was answered by the listing made with credentials")
	}
}
