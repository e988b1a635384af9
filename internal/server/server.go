package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"sigs.k8s.io/controller-runtime/pkg/client"
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
	oidc    oidcProviders
	encoded appJSON // the apps' JSON, for lists
	// rollingBack holds the apps (namespace/name) a rollback is under way
	// on, so that a second one is refused rather than interleaved.
	rollingBack sync.Map
	logins      loginFailures // failed logins per user name
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
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.path, rt.serve)
	}
	noAPI := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, "%s %s: no such API path", r.Method, r.URL.EscapedPath()))
	}
	mux.HandleFunc("/api/", noAPI)
	if s.opts.UI != nil {
		mux.Handle("/", s.opts.UI)
	} else {
		mux.HandleFunc("/", noAPI)
	}
	// Answers are gzipped for clients that accept it (browsers do: a list
	// of 10 000 apps is a tenth of its size); the event streams are not, so
	// that each event goes out when it happens.
	// The fastest level: a list's JSON is repetitive enough.
	wrap, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil {
		panic(err) // a constant, valid level
	}
	zipped := wrap(mux)
	return s.audit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v1/stream/") {
			mux.ServeHTTP(w, r)
			return
		}
		zipped.ServeHTTP(w, r)
	}))
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
		s.opts.Log.Info("audit", "user", s.auditSubject(r), "method", r.Method, "path", r.URL.EscapedPath(), "query", r.URL.RawQuery, "status", rec.status,
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
