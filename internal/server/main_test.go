package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"golang.org/x/crypto/bcrypt"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	tcluster "github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Main(m, &env)) }

// auditLog collects the server's log lines.
type auditLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *auditLog) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, args)
	}, funcr.Options{})
}

func (l *auditLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// api is a started server in its own namespace and a way to call it.
type api struct {
	t   *testing.T
	s   *Server
	url string
	ns  string
	log *auditLog
}

// newAPI starts a server over a fresh namespace (its Argo CD namespace).
func newAPI(t *testing.T, ns string) *api {
	t.Helper()
	env.Require(t)
	ctx := context.Background()
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	log := &auditLog{}
	// The plane is the apps' in-cluster destination, found as the controller finds it.
	local, err := tcluster.Connect(tcluster.InCluster, env.Config, tcluster.ConnectOptions{FieldManager: tcluster.FieldManager})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(local.Stop)
	clusters := &tcluster.Registry{Client: env.Client, Namespace: ns, Local: local}
	s := New(Options{Client: env.Client, Namespace: ns, Log: log.logger(), Clusters: RegistryClusters(clusters)})
	if _, err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &api{t: t, s: s, url: srv.URL, ns: ns, log: log}
}

// call sends a request with token (none when empty) and returns the
// status and body.
func (a *api) call(method, path, token string, body any) (int, string) {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.url+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// login returns a session token for username.
func (a *api) login(username, password string) string {
	a.t.Helper()
	status, body := a.call("POST", "/api/v1/session", "", map[string]string{"username": username, "password": password})
	if status != http.StatusOK {
		a.t.Fatalf("login %s: %d %s", username, status, body)
	}
	var out struct{ Token string }
	_ = json.Unmarshal([]byte(body), &out)
	return out.Token
}

// admin logs in as admin with the initial password.
func (a *api) admin() string {
	a.t.Helper()
	sec := &corev1.Secret{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: a.ns, Name: initialAdminSecret}, sec); err != nil {
		a.t.Fatal(err)
	}
	return a.login("admin", string(sec.Data["password"]))
}

// create creates objects in the cluster.
func (a *api) create(objs ...client.Object) {
	a.t.Helper()
	for _, o := range objs {
		if err := env.Client.Create(context.Background(), o); err != nil {
			a.t.Fatalf("create %T %s: %v", o, o.GetName(), err)
		}
	}
}

// account adds a local account with a password.
func (a *api) account(name, password string) {
	a.t.Helper()
	ctx := context.Background()
	hash, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	sec := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: a.ns, Name: settingsSecret}, sec); err != nil {
		a.t.Fatal(err)
	}
	sec.Data["accounts."+name+".password"] = hash
	if err := env.Client.Update(ctx, sec); err != nil {
		a.t.Fatal(err)
	}
	cm := &corev1.ConfigMap{}
	err := env.Client.Get(ctx, client.ObjectKey{Namespace: a.ns, Name: settingsConfigMap}, cm)
	if apierrors.IsNotFound(err) {
		cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: settingsConfigMap}, Data: map[string]string{}}
		a.create(cm)
	} else if err != nil {
		a.t.Fatal(err)
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data["accounts."+name] = "login"
	if err := env.Client.Update(ctx, cm); err != nil {
		a.t.Fatal(err)
	}
}

// app is an Application of project in the api's namespace.
func (a *api) app(name, project string) *v1alpha1.Application {
	return &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: name},
		Spec: v1alpha1.ApplicationSpec{Project: project,
			Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: name},
			Source:      &v1alpha1.ApplicationSource{RepoURL: "https://git.example.com/platform.git", Path: name}}}
}

// unique is prefix and a random suffix, so a test can run twice on one plane.
func unique(prefix string) string { return fmt.Sprintf("%s-%08x", prefix, rand.Uint32()) }

// namespace creates a namespace of a unique name.
func (a *api) namespace(prefix string) string {
	a.t.Helper()
	name := unique(prefix)
	a.create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	return name
}

// project is an AppProject in the api's namespace.
func (a *api) project(name string, roles ...v1alpha1.ProjectRole) *v1alpha1.AppProject {
	return &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: name},
		Spec: v1alpha1.AppProjectSpec{SourceRepos: []string{"*"},
			Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}}, Roles: roles}}
}
