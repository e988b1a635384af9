package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/go-logr/logr/testr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

// The cluster tests run on a plane of their own, with no controller: the
// refresh annotations the handler writes stay for the test to read.
func TestMain(m *testing.M) { os.Exit(testenv.Main(m, &env)) }

// namespace creates a namespace of a unique name, gone after the test.
func namespace(t *testing.T, prefix string) string {
	t.Helper()
	env.Require(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: prefix + "-" + hex.EncodeToString(b)}}
	create(t, ns)
	return ns.Name
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	ctx := context.Background()
	if err := env.Client.Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(ctx, obj) })
}

// server serves a Handler over HTTP, as the API server will.
func server(t *testing.T, o Options) *httptest.Server {
	t.Helper()
	o.Client = env.Client
	o.Log = testr.New(t)
	s := httptest.NewServer(New(o))
	t.Cleanup(s.Close)
	return s
}

// post sends body with headers and returns the status and the answer.
func post(t *testing.T, s *httptest.Server, body []byte, h http.Header) (int, Result) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/webhook", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res Result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("answer with status %d is not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, res
}
