package redact_test

import (
	"net/url"
	"testing"

	"github.com/nines-sre/nines/internal/redact"
)

func TestURL(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"a plain URL is kept", "http://prometheus:9090", "http://prometheus:9090"},
		{"a path is kept", "https://mimir.example.com/prometheus/", "https://mimir.example.com/prometheus/"},
		{"userinfo is dropped", "http://alice:hunter2@thanos:10902/x", "http://thanos:10902/x"},
		{"a lone user name (a token) is dropped", "http://tok3n@pg:9091", "http://pg:9091"},
		{"every query value is masked", "http://pg:9091/?api_key=s3cr3t&tenant=acme", "http://pg:9091/?api_key=xxxxx&tenant=xxxxx"},
		{"a bare query element is masked whole", "http://vm:8428/select?s3cr3t-token&a=", "http://vm:8428/select?xxxxx&a="},
		{"a value holding ; and = is masked whole", "http://h/?a=1;b=s3cr3t=x", "http://h/?a=xxxxx"},
		{"the fragment is dropped", "http://h/p?a=1#tok=s3cr3t", "http://h/p?a=xxxxx"},
		{"userinfo and query together", "http://u:p@h:1/?k=v", "http://h:1/?k=xxxxx"},
		{"a URL that does not parse loses its userinfo", "http://alice:hunter2@[::1", "http://[::1"},
		{"a URL without a scheme loses its userinfo", "alice:hunter2@localhost:9090", "localhost:9090"},
		{"an unescaped / in a password does not keep half of it", "http://u:ab/cd@h:9091/p", "http://h:9091/p"},
		{"an @ in a path is kept", "http://h/users/@me", "http://h/users/@me"},
		{"an @ in the query is masked with it", "http://h/?mail=a@b", "http://h/?mail=xxxxx"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redact.URL(tt.raw); got != tt.want {
				t.Errorf("URL(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestURLs(t *testing.T) {
	in := `Post "http://u:pw1234@h:9090/api/v1/query?api_key=s3cr3t": dial tcp: connection refused; see https://docs.example/x`
	want := `Post "http://h:9090/api/v1/query?api_key=xxxxx": dial tcp: connection refused; see https://docs.example/x`
	if got := redact.URLs(in); got != want {
		t.Errorf("URLs() =\n%s\nwant\n%s", got, want)
	}
	in = "could not push to http://pg:9091/?k=s3cr3t: refused (at http://u:p@h)."
	want = "could not push to http://pg:9091/?k=xxxxx: refused (at http://h)."
	if got := redact.URLs(in); got != want {
		t.Errorf("URLs() =\n%s\nwant\n%s", got, want)
	}
}

func TestScrub(t *testing.T) {
	var s redact.Secrets
	s.Add("connect")
	s.Add("query")
	s.Add("error")
	s.Add("abc") // too short: ignored
	tests := []struct {
		name, msg, want string
	}{
		{"a common word inside other words is left alone",
			"dial tcp: connection refused; query_range error: errors found",
			"dial tcp: connection refused; query_range <secret>: errors found"},
		{"a secret standing alone is replaced",
			"password=connect, got query; error",
			"password=<secret>, got <secret>; <secret>"},
		{"at the edges of the message", "connect", "<secret>"},
		{"next to a digit it is part of another token", "connect2 2query", "connect2 2query"},
		{"a short string is never a secret", "abc abc", "abc abc"},
		{"URLs are redacted by structure", "GET http://x:connect@h/?k=q", "GET http://h/?k=xxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Scrub(tt.msg); got != tt.want {
				t.Errorf("Scrub(%q) = %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}

func TestScrubReplacesEachSecretOnce(t *testing.T) {
	var s redact.Secrets
	s.Add("secret") // the placeholder holds it
	s.Add("my-secret")
	if got, want := s.Scrub("a secret and my-secret"), "a <secret> and <secret>"; got != want {
		t.Errorf("Scrub() = %q, want %q", got, want)
	}
}

func TestSecretsFromAURL(t *testing.T) {
	u, err := url.Parse("http://deployer:p%40ss%2Fw0rd@pg:9091/?api_key=k%2By-s3cr3t&x=1")
	if err != nil {
		t.Fatal(err)
	}
	var s redact.Secrets
	s.AddURL(u)
	msg := "basic ZGVwbG95ZXI6cEBzcy93MHJk; password p@ss/w0rd (p%40ss%2Fw0rd); key k+y-s3cr3t or k%2By-s3cr3t; x=1"
	want := "basic <secret>; password <secret> (<secret>); key <secret> or <secret>; x=1"
	if got := s.Scrub(msg); got != want {
		t.Errorf("Scrub() =\n%s\nwant\n%s", got, want)
	}
	var tok redact.Secrets
	tok.AddURL(&url.URL{User: url.User("glpat-t0ken"), Host: "h"})
	if got := tok.Scrub("token glpat-t0ken refused"); got != "token <secret> refused" {
		t.Errorf("a lone user name is a token: %q", got)
	}
}
