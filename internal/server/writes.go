package server

import (
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// deleteApplicationSet is DELETE /api/v1/applicationsets/{name} (RBAC
// applicationsets, delete, <template project>/<name>, as Argo CD): the set
// is deleted in the background, so its Applications follow through their
// owner references (and their resources, where they carry the resources
// finalizer and the set does not preserve them). A set the caller may not
// delete, or that does not exist, is 403.
func (s *Server) deleteApplicationSet(w http.ResponseWriter, r *http.Request, u *user) {
	set := &v1alpha1.ApplicationSet{}
	key := client.ObjectKey{Namespace: s.appNamespace(r), Name: r.PathValue("name")}
	if err := s.opts.Client.Get(r.Context(), key, set); err != nil {
		if client.IgnoreNotFound(err) == nil {
			writeError(w, errorf(http.StatusForbidden, "permission denied: applicationsets, delete, %s, sub: %s (or it does not exist)",
				key.Name, u.subject))
			return
		}
		writeError(w, err)
		return
	}
	if err := s.enforce(r.Context(), u, "applicationsets", "delete", appSetObject(set)); err != nil {
		writeError(w, err)
		return
	}
	if err := s.opts.Client.Delete(r.Context(), set, client.PropagationPolicy(metav1.DeletePropagationBackground)); client.IgnoreNotFound(err) != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// projectCreateRequest is Argo CD's ProjectCreateRequest.
type projectCreateRequest struct {
	Project *v1alpha1.AppProject `json:"project"`
	Upsert  bool                 `json:"upsert"`
}

// createProject is POST /api/v1/projects (RBAC projects, create, the
// project's name): the AppProject is created in the server's namespace
// and answered. One that exists is 409 unless upsert is set and then its
// spec is replaced (RBAC projects, update too).
func (s *Server) createProject(w http.ResponseWriter, r *http.Request, u *user) {
	var req projectCreateRequest
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Project == nil || req.Project.Name == "" {
		writeError(w, errorf(http.StatusBadRequest, "project: want an AppProject with a name"))
		return
	}
	p := req.Project
	if err := s.enforce(r.Context(), u, "projects", "create", p.Name); err != nil {
		writeError(w, err)
		return
	}
	p.Namespace, p.ResourceVersion, p.UID = s.opts.Namespace, "", ""
	err := s.opts.Client.Create(r.Context(), p)
	if apierrors.IsAlreadyExists(err) && req.Upsert {
		if err := s.enforce(r.Context(), u, "projects", "update", p.Name); err != nil {
			writeError(w, err)
			return
		}
		existing := &v1alpha1.AppProject{}
		if err := s.opts.Client.Get(r.Context(), client.ObjectKeyFromObject(p), existing); err != nil {
			writeError(w, err)
			return
		}
		existing.Spec = p.Spec
		err, p = s.opts.Client.Update(r.Context(), existing), existing
	}
	if apierrors.IsAlreadyExists(err) {
		writeError(w, errorf(http.StatusConflict, "project %s exists: set upsert to replace its spec", p.Name))
		return
	}
	if err != nil {
		writeError(w, errorf(http.StatusBadRequest, "project %s: %v", p.Name, err))
		return
	}
	writeJSON(w, http.StatusOK, p)
}
