package server

import (
	"net/http"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// createProjectToken is POST /api/v1/projects/{project}/roles/{role}/token,
// Argo CD's ProjectTokenCreateRequest: {"expiresIn": seconds (0: never),
// "id": optional} → {"token"}. The token is a JWT for
// proj:<project>:<role>; the role's jwtTokens records its id, issue and
// expiry times (never the token), and removing that entry revokes it.
// RBAC: projects, update, <project>, as Argo CD.
func (s *Server) createProjectToken(w http.ResponseWriter, r *http.Request, u *user) {
	name, role := r.PathValue("project"), r.PathValue("role")
	if err := s.enforce(r.Context(), u, "projects", "update", name); err != nil {
		writeError(w, err)
		return
	}
	var req struct {
		ExpiresIn int64  `json:"expiresIn"`
		ID        string `json:"id"`
	}
	if r.ContentLength != 0 {
		if err := readJSON(r, &req); err != nil {
			writeError(w, err)
			return
		}
	}
	if req.ExpiresIn < 0 {
		writeError(w, errorf(http.StatusBadRequest, "expiresIn %d: want 0 (no expiry) or more seconds", req.ExpiresIn))
		return
	}
	p := &v1alpha1.AppProject{}
	if err := s.opts.Client.Get(r.Context(), client.ObjectKey{Namespace: s.opts.Namespace, Name: name}, p); err != nil {
		writeError(w, err)
		return
	}
	i := -1
	for j := range p.Spec.Roles {
		if p.Spec.Roles[j].Name == role {
			i = j
		}
	}
	if i < 0 {
		writeError(w, errorf(http.StatusNotFound, "project %s has no role %s", name, role))
		return
	}
	id := req.ID
	if id == "" {
		id = randomString(12)
	}
	for _, t := range p.Spec.Roles[i].JWTTokens {
		if t.ID == id {
			writeError(w, errorf(http.StatusConflict, "role %s of project %s already has a token with id %s", role, name, id))
			return
		}
	}
	ttl := time.Duration(req.ExpiresIn) * time.Second
	token, err := s.sign(r.Context(), "proj:"+name+":"+role, id, ttl)
	if err != nil {
		writeError(w, err)
		return
	}
	c, err := s.parse(r.Context(), token)
	if err != nil {
		writeError(w, err)
		return
	}
	entry := v1alpha1.JWTToken{IssuedAt: c.IssuedAt.Unix(), ID: id}
	if c.ExpiresAt != nil {
		entry.ExpiresAt = c.ExpiresAt.Unix()
	}
	patch := client.MergeFromWithOptions(p.DeepCopy(), client.MergeFromWithOptimisticLock{})
	p.Spec.Roles[i].JWTTokens = append(p.Spec.Roles[i].JWTTokens, entry)
	if err := s.opts.Client.Patch(r.Context(), p, patch); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": token})
}
