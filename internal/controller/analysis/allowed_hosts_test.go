package analysis

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

func TestAllowedHosts(t *testing.T) {
	allowed := AllowedHosts{"prometheus.monitoring", "metrics.example.com:8443", "*.corp.example", "127.0.0.1", "[::1]:9090"}
	tests := []struct {
		url     string
		refused string // the host named in the error; "" when allowed
	}{
		{url: "http://prometheus.monitoring:9090/api/v1/query"},
		{url: "https://PROMETHEUS.monitoring/"},
		{url: "https://metrics.example.com:8443/x"},
		{url: "https://metrics.example.com/x", refused: "metrics.example.com"},
		{url: "http://metrics.example.com:8443/x"},
		{url: "https://a.corp.example/"},
		{url: "https://a.b.corp.example:444/"},
		{url: "https://corp.example/", refused: "corp.example"},
		{url: "http://127.0.0.1:34567/"},
		{url: "http://[::1]:9090/"},
		{url: "http://[::1]:9091/", refused: "[::1]:9091"},
		{url: "http://169.254.169.254/latest/meta-data", refused: "169.254.169.254"},
		{url: "http://prometheus.monitoring.evil.example/", refused: "prometheus.monitoring.evil.example"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := allowed.CheckURL(tt.url)
			if tt.refused == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			var notAllowed *HostNotAllowedError
			if !errors.As(err, &notAllowed) || notAllowed.Host != tt.refused {
				t.Errorf("err = %v, want host %q refused", err, tt.refused)
			}
		})
	}
}

func TestAllowedHostsEmptyAllowsAny(t *testing.T) {
	if err := AllowedHosts(nil).CheckURL("http://anything.example:1234/"); err != nil {
		t.Error(err)
	}
	if err := AllowedHosts(nil).CheckURL("/relative"); err == nil {
		t.Error("a URL without a host was accepted")
	}
}

func TestAllowedHostsCheckRedirect(t *testing.T) {
	allowed := AllowedHosts{"ok.example"}
	to := func(raw string) *http.Request {
		u, _ := url.Parse(raw)
		return &http.Request{URL: u}
	}
	if err := allowed.CheckRedirect(to("https://ok.example/next"), make([]*http.Request, 1)); err != nil {
		t.Errorf("redirect inside the list: %v", err)
	}
	var notAllowed *HostNotAllowedError
	if err := allowed.CheckRedirect(to("https://elsewhere.example/"), make([]*http.Request, 1)); !errors.As(err, &notAllowed) {
		t.Errorf("redirect outside the list: err = %v", err)
	}
	if err := allowed.CheckRedirect(to("https://ok.example/"), make([]*http.Request, 10)); err == nil {
		t.Error("11th redirect followed")
	}
}
