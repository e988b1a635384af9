package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/version"
)

// Options configure a Server.
type Options struct {
	// Client reads and writes the Applications, projects, settings and
	// Secrets (a cached client in `tiphys server`).
	Client client.Client
	// Namespace is Argo CD's namespace: settings, Secrets and, by default,
	// the Applications (default argocd).
	Namespace string
	// ApplicationNamespaces are more namespaces whose Applications the API
	// serves (appNamespace=…), as the controller's
	// --application-namespaces; any other is refused.
	ApplicationNamespaces []string
	// Log receives the audit lines (one per mutating call) and errors.
	Log logr.Logger
	// Webhook, when set, serves POST /api/webhook.
	Webhook http.Handler
	// Cache, when set, feeds the application stream
	// (/api/v1/stream/applications) from its informers.
	Cache Informers
	// Clusters, when set, reads the live objects of the apps' destination
	// clusters: the resource tree and managed resources need it.
	Clusters Clusters
	// Comparer, when set, renders apps for the desired side of
	// managed-resources.
	Comparer Comparer
	// UI, when set, serves every path outside /api/ (the web UI).
	UI http.Handler
}

// Server serves the API. Create it with New.
type Server struct {
	opts    Options
	rbac    policies
	revoked sync.Map // jti → time.Time: logged-out session tokens, until they expire
}

// New returns a server over opts.
func New(opts Options) *Server {
	if opts.Namespace == "" {
		opts.Namespace = "argocd"
	}
	return &Server{opts: opts}
}

// Init creates the signing key and, on a first start, the initial admin
// password (argocd-initial-admin-secret), as Argo CD's server does; it
// returns that password when it made one.
func (s *Server) Init(ctx context.Context) (string, error) {
	return s.ensureSecrets(ctx)
}

// Handler routes the API: Argo CD's paths, methods and JSON shapes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"Version": version.Version})
	})
	mux.HandleFunc("POST /api/v1/session", s.createSession)
	mux.HandleFunc("DELETE /api/v1/session", s.deleteSession)
	mux.HandleFunc("GET /api/v1/session/userinfo", s.userInfo)
	mux.Handle("POST /api/v1/account/{name}/token", s.authed(s.createAccountToken))
	mux.Handle("DELETE /api/v1/account/{name}/token/{id}", s.authed(s.deleteAccountToken))
	mux.Handle("GET /api/v1/account/can-i/{resource}/{action}/{object...}", s.authed(s.canI))
	mux.Handle("GET /api/v1/applications", s.authed(s.listApplications))
	mux.Handle("GET /api/v1/applications/{name}", s.authed(s.getApplication))
	mux.Handle("GET /api/v1/stream/applications", s.authed(s.streamApplications))
	mux.Handle("POST /api/v1/applications/{name}/sync", s.authed(s.syncApplication))
	mux.Handle("POST /api/v1/applications/{name}/rollback", s.authed(s.rollbackApplication))
	mux.Handle("DELETE /api/v1/applications/{name}", s.authed(s.deleteApplication))
	mux.Handle("GET /api/v1/applications/{name}/resource-tree", s.authed(s.resourceTree))
	mux.Handle("GET /api/v1/applications/{name}/managed-resources", s.authed(s.managedResources))
	mux.Handle("GET /api/v1/applications/{name}/events", s.authed(s.applicationEvents))
	mux.Handle("DELETE /api/v1/applications/{name}/operation", s.authed(s.terminateOperation))
	mux.Handle("GET /api/v1/applicationsets", s.authed(s.listApplicationSets))
	mux.Handle("GET /api/v1/applicationsets/{name}", s.authed(s.getApplicationSet))
	mux.Handle("GET /api/v1/projects", s.authed(s.listProjects))
	mux.Handle("GET /api/v1/projects/{name}", s.authed(s.getProject))
	mux.Handle("POST /api/v1/projects/{project}/roles/{role}/token", s.authed(s.createProjectToken))
	mux.Handle("GET /api/v1/clusters", s.authed(s.listClusters))
	mux.Handle("GET /api/v1/repositories", s.authed(s.listRepositories))
	mux.Handle("GET /api/v1/rollouts", s.authed(s.listRollouts))
	mux.Handle("GET /api/v1/rollouts/{namespace}/{name}", s.authed(s.getRollout))
	mux.Handle("GET /api/v1/rollouts/{namespace}/{name}/analysisruns", s.authed(s.rolloutAnalysisRuns))
	mux.Handle("POST /api/v1/rollouts/{namespace}/{name}/{action}", s.authed(s.rolloutAction))
	noAPI := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, "%s %s: no such API path", r.Method, r.URL.EscapedPath()))
	}
	mux.HandleFunc("/api/", noAPI)
	if s.opts.UI != nil {
		mux.Handle("/", s.opts.UI)
	} else {
		mux.HandleFunc("/", noAPI)
	}
	if s.opts.Webhook != nil {
		mux.Handle("POST /api/webhook", s.opts.Webhook)
	}
	return s.audit(mux)
}

// Run serves the API on listen until ctx ends.
func (s *Server) Run(ctx context.Context, listen string) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", listen, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// audit logs one line per mutating call: who, what, the answer.
func (s *Server) audit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.URL.Query().Get("refresh") == "" {
			next.ServeHTTP(w, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		who := "-"
		if c, err := s.parse(r.Context(), requestToken(r)); err == nil {
			who, _ = accountSubject(c.Subject)
		}
		s.opts.Log.Info("audit", "user", who, "method", r.Method, "path", r.URL.EscapedPath(), "query", r.URL.RawQuery, "status", rec.status,
			"remote", r.RemoteAddr)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
