package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Client is what the handler asks of Kubernetes: to read argocd-secret,
// argocd-cm, Applications and ApplicationSets, and to patch the latter
// two. A controller-runtime client.Client is one.
type Client interface {
	client.Reader
	Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error
}

// Options configure a Handler.
type Options struct {
	// Client reads settings and lists and patches Applications and
	// ApplicationSets.
	Client Client
	// Namespace is Argo CD's namespace: argocd-secret, argocd-cm,
	// Applications and ApplicationSets live there (default "argocd").
	Namespace string
	// ApplicationNamespaces are more namespaces whose Applications the
	// controller watches (its --application-namespaces). ApplicationSets
	// are read from Namespace only, as the ApplicationSet controller reads
	// them.
	ApplicationNamespaces []string
	// Log receives refusals and refreshes.
	Log logr.Logger
	// SettingsTTL is how long argocd-secret and argocd-cm are cached
	// (default DefaultSettingsTTL).
	SettingsTTL time.Duration
}

// Handler serves POST /api/webhook: it checks a push's signature, reads
// it and refreshes the Applications and ApplicationSets it concerns, as
// Argo CD's webhook handler does.
type Handler struct {
	opts     Options
	settings *settingsCache
}

// New returns a Handler.
func New(o Options) *Handler {
	if o.Namespace == "" {
		o.Namespace = "argocd"
	}
	if o.SettingsTTL == 0 {
		o.SettingsTTL = DefaultSettingsTTL
	}
	return &Handler{opts: o, settings: &settingsCache{client: o.Client, namespace: o.Namespace, ttl: o.SettingsTTL}}
}

// Result is the JSON answer to a webhook (a Tiphys addition: Argo CD
// answers with an empty body), so that CI can see what a push did.
type Result struct {
	// Refreshed names what the push refreshed.
	Refreshed Refreshed `json:"refreshed"`
	// Ignored says why an event was not acted on (a ping, not a push).
	Ignored string `json:"ignored,omitempty"`
	// Errors are the refreshes that failed, by object.
	Errors []string `json:"errors,omitempty"`
	// Error is why the request was refused.
	Error string `json:"error,omitempty"`
}

// Refreshed lists objects as "namespace/name".
type Refreshed struct {
	// Applications were asked to refresh (argocd.argoproj.io/refresh).
	Applications []string `json:"applications"`
	// ApplicationSets were asked to refresh
	// (argocd.argoproj.io/application-set-refresh).
	ApplicationSets []string `json:"applicationSets"`
}

// ServeHTTP checks, reads and acts on one webhook request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := h.opts.Log
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		answer(w, http.StatusMethodNotAllowed, Result{Error: "webhooks are POSTed"})
		return
	}
	ctx := r.Context()
	s, warnings, err := h.settings.get(ctx)
	for _, msg := range warnings {
		log.Info(msg)
	}
	if err != nil {
		log.Error(err, "webhook refused: settings unreadable")
		answer(w, http.StatusServiceUnavailable, Result{Error: "webhook settings unreadable"})
		return
	}
	p := detect(r.Header)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxPayload))
	if err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			log.Info("webhook refused: payload too large", "provider", p.name, "remoteAddr", r.RemoteAddr, "limitBytes", s.maxPayload)
			answer(w, http.StatusRequestEntityTooLarge, Result{Error: "payload larger than " + maxPayloadKey})
			return
		}
		answer(w, http.StatusBadRequest, Result{Error: "read body: " + err.Error()})
		return
	}
	if err := p.check(r.Header, body, s); err != nil {
		log.Info("webhook refused: bad signature", "provider", p.name, "remoteAddr", r.RemoteAddr,
			"forwardedFor", r.Header.Get("X-Forwarded-For"), "reason", err.Error())
		answer(w, http.StatusUnauthorized, Result{Error: "signature check failed"})
		return
	}
	if body, err = jsonBody(r.Header.Get("Content-Type"), body); err != nil {
		answer(w, http.StatusBadRequest, Result{Error: err.Error()})
		return
	}
	event := p.event(r.Header)
	switch p.kind(event, body) {
	case eventPing:
		answer(w, http.StatusOK, Result{Ignored: "ping"})
		return
	case eventOther:
		answer(w, http.StatusOK, Result{Ignored: "event " + string(p.name) + " " + event + " is not a push"})
		return
	}
	push, err := p.parse(body)
	if err != nil {
		log.Info("webhook refused: unreadable payload", "provider", p.name, "remoteAddr", r.RemoteAddr, "error", err.Error())
		answer(w, http.StatusBadRequest, Result{Error: err.Error()})
		return
	}
	res, err := h.refresh(ctx, push)
	switch {
	case err != nil:
		log.Error(err, "webhook push not handled", "provider", p.name)
		res.Error = err.Error()
		answer(w, http.StatusInternalServerError, res)
	case len(res.Errors) > 0:
		answer(w, http.StatusInternalServerError, res)
	default:
		answer(w, http.StatusOK, res)
	}
}

// jsonBody is the JSON of a payload: the body itself, or for a form
// (GitHub's and Gitea's "application/x-www-form-urlencoded" content type)
// its payload field; a JSON body sent with the form content type (curl's
// default for -d) is read as JSON. The signature covers the body as sent,
// so this runs after the check. A form without a payload field is an
// error saying so.
func jsonBody(contentType string, body []byte) ([]byte, error) {
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "application/x-www-form-urlencoded" {
		return body, nil
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return body, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("read form body: %w", err)
	}
	if !form.Has("payload") {
		return nil, fmt.Errorf("form body without a payload field (send JSON with Content-Type: application/json)")
	}
	return []byte(form.Get("payload")), nil
}

func answer(w http.ResponseWriter, status int, res Result) {
	if res.Refreshed.Applications == nil {
		res.Refreshed.Applications = []string{}
	}
	if res.Refreshed.ApplicationSets == nil {
		res.Refreshed.ApplicationSets = []string{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(res)
}
