package server

import (
	"encoding/json"
	"net/http"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// mayManageAccount allows an account's own caller (a local token: an
// identity provider's user of the same name is not the account), or one
// RBAC allows `accounts, update, <name>`, as Argo CD's account service.
func (s *Server) mayManageAccount(r *http.Request, u *user, name string) error {
	if u.subject == name && u.oidc == nil {
		return nil
	}
	return s.enforce(r.Context(), u, "accounts", "update", name)
}

// createAccountToken is POST /api/v1/account/{name}/token, Argo CD's
// CreateTokenRequest: {"expiresIn": seconds (0: never), "id": optional} →
// {"token"}: an API key (subject <name>:apiKey) for an account with the
// apiKey capability, recorded (id and times, never the token) in
// argocd-secret's accounts.<name>.tokens.
func (s *Server) createAccountToken(w http.ResponseWriter, r *http.Request, u *user) {
	name := r.PathValue("name")
	if err := s.mayManageAccount(r, u, name); err != nil {
		writeError(w, err)
		return
	}
	req, err := readTokenRequest(r)
	if err != nil {
		writeError(w, err)
		return
	}
	accts, err := s.accounts(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	a := accts[name]
	if a == nil || !a.can(capabilityAPIKey) {
		writeError(w, errorf(http.StatusBadRequest, "account '%s' does not have %s capability", name, capabilityAPIKey))
		return
	}
	id := req.ID
	if id == "" {
		id = randomString(12)
	}
	if a.hasToken(id) {
		writeError(w, errorf(http.StatusConflict, "account %s already has a token with id %s", name, id))
		return
	}
	token, iat, exp, err := s.mint(r, name+":"+capabilityAPIKey, id, req.ExpiresIn)
	if err != nil {
		writeError(w, err)
		return
	}
	t := apiToken{ID: id, IssuedAt: iat, ExpiresAt: exp}
	if err := s.writeAccountTokens(r, name, append(a.tokens, t)); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": token})
}

// deleteAccountToken is DELETE /api/v1/account/{name}/token/{id}: the API
// key is revoked at once.
func (s *Server) deleteAccountToken(w http.ResponseWriter, r *http.Request, u *user) {
	name, id := r.PathValue("name"), r.PathValue("id")
	if err := s.mayManageAccount(r, u, name); err != nil {
		writeError(w, err)
		return
	}
	accts, err := s.accounts(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	a := accts[name]
	if a == nil || !a.hasToken(id) {
		writeError(w, errorf(http.StatusNotFound, "account %s has no token with id %s", name, id))
		return
	}
	kept := slices.DeleteFunc(slices.Clone(a.tokens), func(t apiToken) bool { return t.ID == id })
	if err := s.writeAccountTokens(r, name, kept); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// writeAccountTokens stores an account's token list in argocd-secret,
// failing on a concurrent change (optimistic lock) rather than losing one.
func (s *Server) writeAccountTokens(r *http.Request, name string, tokens []apiToken) error {
	b, err := json.Marshal(tokens)
	if err != nil {
		return err
	}
	sec := &corev1.Secret{}
	if err := s.opts.Client.Get(r.Context(), client.ObjectKey{Namespace: s.opts.Namespace, Name: settingsSecret}, sec); err != nil {
		return err
	}
	patch := client.MergeFromWithOptions(sec.DeepCopy(), client.MergeFromWithOptimisticLock{})
	if sec.Data == nil {
		sec.Data = map[string][]byte{}
	}
	sec.Data["accounts."+name+".tokens"] = b
	return s.opts.Client.Patch(r.Context(), sec, patch)
}

// canI is GET /api/v1/account/can-i/{resource}/{action}/{object...}, as
// `argocd account can-i`: {"value": "yes"|"no"} for the caller.
func (s *Server) canI(w http.ResponseWriter, r *http.Request, u *user) {
	may, err := s.may(r.Context(), u, r.PathValue("resource"), r.PathValue("action"))
	if err != nil {
		writeError(w, err)
		return
	}
	answer := "no"
	if may(r.PathValue("object")) {
		answer = "yes"
	}
	writeJSON(w, http.StatusOK, map[string]string{"value": answer})
}
