package server

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// Secret types of Argo CD's declarative set-up (label argocd.argoproj.io/secret-type).
const (
	secretTypeLabel   = "argocd.argoproj.io/secret-type"
	secretTypeCluster = "cluster"
	secretTypeRepo    = "repository"
)

// listProjects is GET /api/v1/projects: the AppProjects the caller may get
// (RBAC object: the project's name).
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request, u *user) {
	var list v1alpha1.AppProjectList
	if err := s.opts.Client.List(r.Context(), &list, client.InNamespace(s.opts.Namespace)); err != nil {
		writeError(w, err)
		return
	}
	may, err := s.may(r.Context(), u, "projects", "get")
	if err != nil {
		writeError(w, err)
		return
	}
	items := list.Items[:0]
	for _, p := range list.Items {
		if may(p.Name) {
			items = append(items, p)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	list.Items, list.Continue = items, "" // one page: no continue token
	writeJSON(w, http.StatusOK, list)
}

// getProject is GET /api/v1/projects/{name}.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request, u *user) {
	name := r.PathValue("name")
	if err := s.enforce(r.Context(), u, "projects", "get", name); err != nil {
		writeError(w, err)
		return
	}
	p := &v1alpha1.AppProject{}
	if err := s.opts.Client.Get(r.Context(), client.ObjectKey{Namespace: s.opts.Namespace, Name: name}, p); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// appSetObject is an ApplicationSet's RBAC object: the project of its
// template and its name, as Argo CD checks it.
func appSetObject(set *v1alpha1.ApplicationSet) string {
	return set.Spec.Template.Spec.Project + "/" + set.Name
}

// listApplicationSets is GET /api/v1/applicationsets, filtered by
// projects (of the template) and by what the caller may get.
func (s *Server) listApplicationSets(w http.ResponseWriter, r *http.Request, u *user) {
	var list v1alpha1.ApplicationSetList
	if err := s.opts.Client.List(r.Context(), &list, client.InNamespace(s.appNamespace(r))); err != nil {
		writeError(w, err)
		return
	}
	may, err := s.may(r.Context(), u, "applicationsets", "get")
	if err != nil {
		writeError(w, err)
		return
	}
	projects := append(r.URL.Query()["projects"], r.URL.Query()["project"]...)
	items := list.Items[:0]
	for _, set := range list.Items {
		if len(projects) > 0 && !slices.Contains(projects, set.Spec.Template.Spec.Project) ||
			!may(appSetObject(&set)) {
			continue
		}
		items = append(items, set)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	list.Items, list.Continue = items, "" // one page: no continue token
	writeJSON(w, http.StatusOK, list)
}

// getApplicationSet is GET /api/v1/applicationsets/{name}.
func (s *Server) getApplicationSet(w http.ResponseWriter, r *http.Request, u *user) {
	set := &v1alpha1.ApplicationSet{}
	if err := s.opts.Client.Get(r.Context(), client.ObjectKey{Namespace: s.appNamespace(r), Name: r.PathValue("name")}, set); err != nil {
		if client.IgnoreNotFound(err) == nil {
			writeError(w, errorf(http.StatusForbidden, "permission denied: applicationsets, get, %s, sub: %s (or it does not exist)",
				r.PathValue("name"), u.subject))
			return
		}
		writeError(w, err)
		return
	}
	if err := s.enforce(r.Context(), u, "applicationsets", "get", appSetObject(set)); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}

// cluster is Argo CD's Cluster shape without credentials: the Secret's
// config is never answered, and a password in the server URL is redacted.
type cluster struct {
	// raw is the Secret's server URL, the RBAC object.
	raw              string
	Server           string   `json:"server"`
	Name             string   `json:"name"`
	Namespaces       []string `json:"namespaces,omitempty"`
	ClusterResources bool     `json:"clusterResources,omitempty"`
	Project          string   `json:"project,omitempty"`
}

// allClusters are the in-cluster destination and the cluster Secrets, by
// name.
func (s *Server) allClusters(r *http.Request) ([]cluster, error) {
	secrets, err := s.typedSecrets(r, secretTypeCluster)
	if err != nil {
		return nil, err
	}
	out := []cluster{}
	inCluster := true
	for _, sec := range secrets {
		raw := string(sec.Data["server"])
		c := cluster{raw: raw, Server: git.RedactURL(raw), Name: string(sec.Data["name"]), Project: string(sec.Data["project"]),
			ClusterResources: string(sec.Data["clusterResources"]) == "true"}
		if ns := string(sec.Data["namespaces"]); ns != "" {
			c.Namespaces = splitList(ns)
		}
		if c.Server == "https://kubernetes.default.svc" {
			inCluster = false
		}
		out = append(out, c)
	}
	if inCluster {
		out = append(out, cluster{raw: "https://kubernetes.default.svc", Server: "https://kubernetes.default.svc", Name: "in-cluster"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// listClusters is GET /api/v1/clusters: the in-cluster destination and
// the cluster Secrets the caller may get (RBAC object: the server URL).
func (s *Server) listClusters(w http.ResponseWriter, r *http.Request, u *user) {
	all, err := s.allClusters(r)
	if err != nil {
		writeError(w, err)
		return
	}
	may, err := s.may(r.Context(), u, "clusters", "get")
	if err != nil {
		writeError(w, err)
		return
	}
	out := []cluster{}
	for _, c := range all {
		if may(c.raw) {
			out = append(out, c)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// getCluster is GET /api/v1/clusters/{server} (the server URL, escaped),
// or by name with ?id.type=name, as Argo CD's ClusterID. A cluster the
// caller may not get is 403 naming only what was asked, whether it exists
// or not (a name never reveals the server URL); one that does not exist is
// 404 to a caller who may get it.
func (s *Server) getCluster(w http.ResponseWriter, r *http.Request, u *user) {
	all, err := s.allClusters(r)
	if err != nil {
		writeError(w, err)
		return
	}
	id, byName := r.PathValue("server"), r.URL.Query().Get("id.type") == "name"
	i := slices.IndexFunc(all, func(c cluster) bool { return byName && c.Name == id || !byName && (c.raw == id || c.Server == id) })
	server := id
	if i >= 0 {
		server = all[i].raw
	}
	if err := s.enforce(r.Context(), u, "clusters", "get", server); err != nil {
		writeError(w, asked(err, "clusters", id, u))
		return
	}
	if i < 0 {
		writeError(w, errorf(http.StatusNotFound, "cluster %q not found", id))
		return
	}
	writeJSON(w, http.StatusOK, all[i])
}

// repository is Argo CD's Repository shape without credentials (a
// password in the URL is redacted).
type repository struct {
	// raw is the Secret's URL, in the RBAC object.
	raw      string
	Repo     string `json:"repo"`
	Type     string `json:"type,omitempty"`
	Name     string `json:"name,omitempty"`
	Project  string `json:"project,omitempty"`
	Username string `json:"username,omitempty"`
}

// allRepositories are the repository Secrets, by URL.
func (s *Server) allRepositories(r *http.Request) ([]repository, error) {
	secrets, err := s.typedSecrets(r, secretTypeRepo)
	if err != nil {
		return nil, err
	}
	out := []repository{}
	for _, sec := range secrets {
		raw := string(sec.Data["url"])
		out = append(out, repository{raw: raw, Repo: git.RedactURL(raw), Type: string(sec.Data["type"]), Name: string(sec.Data["name"]),
			Project: string(sec.Data["project"]), Username: string(sec.Data["username"])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Repo < out[j].Repo })
	return out, nil
}

// object is a repository's RBAC object: <project>/<url>, or the URL for a
// global one.
func (r repository) object() string {
	if r.Project != "" {
		return r.Project + "/" + r.raw
	}
	return r.raw
}

// listRepositories is GET /api/v1/repositories: the repository Secrets the
// caller may get (RBAC object: <project>/<url>, or the URL for a global
// one); passwords, keys and tokens are never answered.
func (s *Server) listRepositories(w http.ResponseWriter, r *http.Request, u *user) {
	all, err := s.allRepositories(r)
	if err != nil {
		writeError(w, err)
		return
	}
	may, err := s.may(r.Context(), u, "repositories", "get")
	if err != nil {
		writeError(w, err)
		return
	}
	out := []repository{}
	for _, repo := range all {
		if may(repo.object()) {
			out = append(out, repo)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// getRepository is GET /api/v1/repositories/{repo} (the URL, escaped):
// one repository without credentials. One the caller may not get is 403
// naming only the asked URL, whether it exists or not (its project does
// not leak); one that does not exist is 404 to a caller who may get it.
func (s *Server) getRepository(w http.ResponseWriter, r *http.Request, u *user) {
	all, err := s.allRepositories(r)
	if err != nil {
		writeError(w, err)
		return
	}
	url := r.PathValue("repo")
	i := slices.IndexFunc(all, func(repo repository) bool { return repo.raw == url || repo.Repo == url })
	obj := url
	if i >= 0 {
		obj = all[i].object()
	}
	if err := s.enforce(r.Context(), u, "repositories", "get", obj); err != nil {
		writeError(w, asked(err, "repositories", url, u))
		return
	}
	if i < 0 {
		writeError(w, errorf(http.StatusNotFound, "repository %q not found", url))
		return
	}
	writeJSON(w, http.StatusOK, all[i])
}

// asked is a denial of get on res naming only id, as the caller asked
// for it (a password in it redacted), rather than the object the policy
// was checked on; an error other than a denial is left as it is.
func asked(err error, res, id string, u *user) error {
	var ae *apiError
	if !errors.As(err, &ae) || ae.status != http.StatusForbidden {
		return err
	}
	return errorf(http.StatusForbidden, "permission denied: %s, get, %s, sub: %s", res, git.RedactURL(id), u.subject)
}

// typedSecrets lists the Secrets of one argocd.argoproj.io/secret-type.
func (s *Server) typedSecrets(r *http.Request, typ string) ([]corev1.Secret, error) {
	var list corev1.SecretList
	if err := s.opts.Client.List(r.Context(), &list, client.InNamespace(s.opts.Namespace),
		client.MatchingLabels{secretTypeLabel: typ}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// splitList reads a comma-separated Secret value.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
