package webhook

import (
	"encoding/hex"
	"errors"
	"net/http"
	"testing"
)

// Given each provider's secret configured or not, a request with the
// right signature passes, one with a wrong or no signature is refused
// with ErrSignatureMismatch or ErrSignatureMissing, and with no secret
// configured every request passes (Argo CD's behaviour).
func TestCheckSignature(t *testing.T) {
	body := []byte(`{"ref":"refs/heads/main"}`)
	secret := []byte("s3cret")
	hexSig := hex.EncodeToString(Sign(secret, body))
	wrongSig := hex.EncodeToString(Sign([]byte("other"), body))
	configured := func(p Provider) *settings {
		return &settings{secrets: map[string][]byte{providers[p].secretKey: secret}}
	}
	tests := []struct {
		name     string
		provider Provider
		headers  http.Header
		settings *settings
		want     error
	}{
		{"github good", GitHub, headers("X-Hub-Signature-256", "sha256="+hexSig), configured(GitHub), nil},
		{"github bad", GitHub, headers("X-Hub-Signature-256", "sha256="+wrongSig), configured(GitHub), ErrSignatureMismatch},
		{"github without prefix", GitHub, headers("X-Hub-Signature-256", hexSig), configured(GitHub), ErrSignatureMismatch},
		{"github not hex", GitHub, headers("X-Hub-Signature-256", "sha256=zz"), configured(GitHub), ErrSignatureMismatch},
		{"github sha1 only", GitHub, headers("X-Hub-Signature", "sha1=abc"), configured(GitHub), ErrSignatureMissing},
		{"github missing", GitHub, headers(), configured(GitHub), ErrSignatureMissing},
		{"github unconfigured", GitHub, headers(), &settings{}, nil},
		{"github empty secret is unconfigured", GitHub, headers(), &settings{secrets: map[string][]byte{"webhook.github.secret": {}}}, nil},
		{"github other provider's secret", GitHub, headers(), configured(GitLab), nil},
		{"gitlab good", GitLab, headers("X-Gitlab-Token", "s3cret"), configured(GitLab), nil},
		{"gitlab bad", GitLab, headers("X-Gitlab-Token", "s3cret2"), configured(GitLab), ErrSignatureMismatch},
		{"gitlab missing", GitLab, headers(), configured(GitLab), ErrSignatureMissing},
		{"gitlab unconfigured", GitLab, headers("X-Gitlab-Token", "anything"), &settings{}, nil},
		{"gitea good", Gitea, headers("X-Gitea-Signature", hexSig), configured(Gitea), nil},
		{"gogs good", Gitea, headers("X-Gogs-Signature", hexSig), configured(Gitea), nil},
		{"gitea bad", Gitea, headers("X-Gitea-Signature", wrongSig), configured(Gitea), ErrSignatureMismatch},
		{"gitea missing", Gitea, headers(), configured(Gitea), ErrSignatureMissing},
		{"gitea unconfigured", Gitea, headers(), &settings{}, nil},
		{"bitbucket cloud good", BitbucketCloud, headers("X-Hook-UUID", "s3cret"), configured(BitbucketCloud), nil},
		{"bitbucket cloud bad", BitbucketCloud, headers("X-Hook-UUID", "{other}"), configured(BitbucketCloud), ErrSignatureMismatch},
		{"bitbucket cloud missing", BitbucketCloud, headers(), configured(BitbucketCloud), ErrSignatureMissing},
		{"bitbucket cloud unconfigured", BitbucketCloud, headers("X-Hook-UUID", "x"), &settings{}, nil},
		{"bitbucket server good", BitbucketServer, headers("X-Hub-Signature", "sha256="+hexSig), configured(BitbucketServer), nil},
		{"bitbucket server bad", BitbucketServer, headers("X-Hub-Signature", "sha256="+wrongSig), configured(BitbucketServer), ErrSignatureMismatch},
		{"bitbucket server missing", BitbucketServer, headers(), configured(BitbucketServer), ErrSignatureMissing},
		{"bitbucket server unconfigured", BitbucketServer, headers(), &settings{}, nil},
		{"generic good", Generic, headers("X-Tiphys-Signature", "sha256="+hexSig), configured(Generic), nil},
		{"generic bad", Generic, headers("X-Tiphys-Signature", "sha256="+wrongSig), configured(Generic), ErrSignatureMismatch},
		{"generic missing", Generic, headers(), configured(Generic), ErrSignatureMissing},
		{"generic unconfigured", Generic, headers(), &settings{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := providers[tt.provider].check(tt.headers, body, tt.settings)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("check = %v, want %v", err, tt.want)
			}
		})
	}
}

// The body is what is signed: the same signature over another body fails.
func TestSignatureCoversBody(t *testing.T) {
	secret := []byte("s3cret")
	sig := "sha256=" + hex.EncodeToString(Sign(secret, []byte(`{"a":1}`)))
	err := providers[GitHub].verify(headers("X-Hub-Signature-256", sig), []byte(`{"a":2}`), secret)
	if !errors.Is(err, ErrSignatureMismatch) {
		t.Errorf("verify of a changed body = %v, want ErrSignatureMismatch", err)
	}
}
