package server

import (
	"net/http"

	"github.com/tiphys/tiphys/internal/version"
)

// route is one API path: its method and pattern (net/http's, {name} for a
// path parameter, {name...} for the rest of the path), its handler, and
// what the OpenAPI description says of it.
type route struct {
	method, path string
	// summary is the operation's one-line description; body names the
	// request body's shape (Argo CD's message name where it has one).
	summary, body string
	// public routes need no token: version, login, logout, userinfo, the
	// single sign-on routes and the webhook (checked by its signature).
	public bool
	serve  http.Handler
}

// routes are the API's paths, in the order the OpenAPI description lists
// them. Every route but the public ones goes through authed.
func (s *Server) routes() []route {
	a := func(method, path, summary, body string, h func(http.ResponseWriter, *http.Request, *user)) route {
		return route{method: method, path: path, summary: summary, body: body, serve: s.authed(h)}
	}
	version := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"Version": version.Version})
	})
	rs := []route{
		{method: "GET", path: "/api/version", summary: "the server's version", public: true, serve: version},
		{method: "GET", path: "/swagger.json", summary: "this OpenAPI description", public: true, serve: http.HandlerFunc(s.openAPI)},
		{method: "POST", path: "/api/v1/session", summary: "log in with a local account: a session token (also the argocd.token cookie)",
			body: "SessionCreateRequest", public: true, serve: http.HandlerFunc(s.createSession)},
		{method: "DELETE", path: "/api/v1/session", summary: "log out: the token is revoked and the cookie cleared", public: true,
			serve: http.HandlerFunc(s.deleteSession)},
		{method: "GET", path: "/api/v1/session/userinfo", summary: "who the token is", public: true, serve: http.HandlerFunc(s.userInfo)},
		a("POST", "/api/v1/account/{name}/token", "mint an API key for an account with the apiKey capability", "CreateTokenRequest", s.createAccountToken),
		a("DELETE", "/api/v1/account/{name}/token/{id}", "revoke an account's API key", "", s.deleteAccountToken),
		a("GET", "/api/v1/account/can-i/{resource}/{action}/{object...}", "whether the caller may do an action: yes or no", "", s.canI),
		a("GET", "/api/v1/applications", "the Applications the caller may get, filtered and paged on the server", "", s.listApplications),
		a("GET", "/api/v1/applications/{name}", "an Application; refresh=normal|hard asks the controller to compare again", "", s.getApplication),
		a("DELETE", "/api/v1/applications/{name}", "delete an Application; cascade and propagationPolicy as Argo CD", "", s.deleteApplication),
		a("GET", "/api/v1/stream/applications", "Server-Sent Events of the Applications the caller may get", "", s.streamApplications),
		a("POST", "/api/v1/applications/{name}/sync", "sync an Application", "ApplicationSyncRequest", s.syncApplication),
		a("POST", "/api/v1/applications/{name}/rollback", "roll an Application back to a history entry and write the revert commit",
			"ApplicationRollbackRequest", s.rollbackApplication),
		a("DELETE", "/api/v1/applications/{name}/operation", "terminate the running operation", "", s.terminateOperation),
		a("GET", "/api/v1/applications/{name}/resource-tree", "the live objects of an Application and their descendants", "", s.resourceTree),
		a("GET", "/api/v1/applications/{name}/managed-resources", "each managed resource's live, target and predicted state, and diff", "",
			s.managedResources),
		a("GET", "/api/v1/applications/{name}/events", "the Kubernetes Events of an Application", "", s.applicationEvents),
		a("GET", "/api/v1/applicationsets", "the ApplicationSets the caller may get", "", s.listApplicationSets),
		a("GET", "/api/v1/applicationsets/{name}", "an ApplicationSet", "", s.getApplicationSet),
		a("GET", "/api/v1/projects", "the AppProjects the caller may get", "", s.listProjects),
		a("GET", "/api/v1/projects/{name}", "an AppProject", "", s.getProject),
		a("POST", "/api/v1/projects/{project}/roles/{role}/token", "mint a JWT for a project role", "ProjectTokenCreateRequest", s.createProjectToken),
		a("GET", "/api/v1/clusters", "the destination clusters, without credentials", "", s.listClusters),
		a("GET", "/api/v1/clusters/{server}", "a destination cluster by server URL (id.type=name: by name), without credentials", "", s.getCluster),
		a("GET", "/api/v1/repositories", "the repositories, without credentials", "", s.listRepositories),
		a("GET", "/api/v1/repositories/{repo}", "a repository by URL, without credentials", "", s.getRepository),
		a("GET", "/api/v1/rollouts", "the Rollouts of the Applications the caller may get", "", s.listRollouts),
		a("GET", "/api/v1/rollouts/{namespace}/{name}", "a Rollout", "", s.getRollout),
		a("GET", "/api/v1/rollouts/{namespace}/{name}/analysisruns", "the AnalysisRuns of a Rollout, newest first", "", s.rolloutAnalysisRuns),
		a("POST", "/api/v1/rollouts/{namespace}/{name}/{action}", "promote, promote-full, abort, retry, pause, resume or restart a Rollout", "",
			s.rolloutAction),
	}
	rs = append(rs, s.ssoRoutes()...)
	if s.opts.Webhook != nil {
		rs = append(rs, route{method: "POST", path: "/api/webhook", summary: "a Git host's push: refresh the apps and ApplicationSets it touches",
			body: "a GitHub, GitLab, Gitea, Bitbucket or generic push event", public: true, serve: s.opts.Webhook})
	}
	return rs
}
