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
	req, err := readTokenRequest(r)
	if err != nil {
		writeError(w, err)
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
	token, iat, exp, err := s.mint(r, "proj:"+name+":"+role, id, req.ExpiresIn)
	if err != nil {
		writeError(w, err)
		return
	}
	entry := v1alpha1.JWTToken{IssuedAt: iat, ExpiresAt: exp, ID: id}
	patch := client.MergeFromWithOptions(p.DeepCopy(), client.MergeFromWithOptimisticLock{})
	p.Spec.Roles[i].JWTTokens = append(p.Spec.Roles[i].JWTTokens, entry)
	if err := s.opts.Client.Patch(r.Context(), p, patch); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": token})
}

// tokenRequest is Argo CD's token request body: expiresIn in seconds (0:
// no expiry) and an optional id.
type tokenRequest struct {
	ExpiresIn int64  `json:"expiresIn"`
	ID        string `json:"id"`
}

// readTokenRequest reads a token request; an empty body asks for a token
// without expiry and with a random id.
func readTokenRequest(r *http.Request) (tokenRequest, error) {
	var req tokenRequest
	if r.ContentLength != 0 {
		if err := readJSON(r, &req); err != nil {
			return req, err
		}
	}
	if req.ExpiresIn < 0 {
		return req, errorf(http.StatusBadRequest, "expiresIn %d: want 0 (no expiry) or more seconds", req.ExpiresIn)
	}
	return req, nil
}

// mint signs a token for subject with id, valid expiresIn seconds (0:
// always), and returns it with its issue and expiry times in Unix seconds
// (exp 0 when it does not expire), as a token list records them.
func (s *Server) mint(r *http.Request, subject, id string, expiresIn int64) (token string, iat, exp int64, err error) {
	token, err = s.sign(r.Context(), subject, id, time.Duration(expiresIn)*time.Second)
	if err != nil {
		return "", 0, 0, err
	}
	c, err := s.parse(r.Context(), token)
	if err != nil {
		return "", 0, 0, err
	}
	if c.ExpiresAt != nil {
		exp = c.ExpiresAt.Unix()
	}
	return token, c.IssuedAt.Unix(), exp, nil
}
