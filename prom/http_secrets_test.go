package prom_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/prom"
)

// TestHTTPURLSecretsNeverLeak gives credentials in the URL, as userinfo and
// as a query value, to servers that refuse connections, answer 401 echoing
// the Authorization header, and answer 500 echoing the URL they were asked
// for (path and query, and the absolute URL), and searches every error, log
// line and String() for them.
func TestHTTPURLSecretsNeverLeak(t *testing.T) {
	faults := map[string]http.HandlerFunc{
		"401 echoing the Authorization header": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, "bad credentials: Authorization: "+r.Header.Get("Authorization"))
		},
		"500 echoing the URL": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "internal error serving "+r.URL.String()+" (http://"+r.Host+r.URL.String()+")")
		},
		"connection refused": nil,
	}
	basic := base64.StdEncoding.EncodeToString([]byte("alice:hunter2-s3cr3t"))
	creds := []struct {
		name, user, query string
		secrets           []string
	}{
		{"userinfo", "alice:hunter2-s3cr3t@", "", []string{"hunter2-s3cr3t", basic}},
		{"a query value", "", "?api_key=qk-s3cr3t-42&tenant=acme-s3cr3t", []string{"qk-s3cr3t-42", "acme-s3cr3t"}},
		{"a query value that needs escaping", "", "?token=a%2Bb%2Fc-s3cr3t", []string{"a%2Bb%2Fc-s3cr3t", "a+b/c-s3cr3t"}},
	}
	for fault, h := range faults {
		for _, c := range creds {
			t.Run(fault+", "+c.name, func(t *testing.T) {
				t.Parallel()
				addr := closedAddr(t)
				if h != nil {
					srv := httptest.NewServer(h)
					t.Cleanup(srv.Close)
					addr = strings.TrimPrefix(srv.URL, "http://")
				}
				client, logs := newClient(t, "http://"+c.user+addr+"/"+c.query)
				_, err := client.Query(context.Background(), "up", at)
				if err == nil {
					t.Fatal("Query succeeded against a failing server")
				}
				switch {
				case fault == "connection refused" && !strings.Contains(err.Error(), "connection refused"):
					t.Fatalf("error %q does not say the connection was refused", err)
				case strings.HasPrefix(fault, "401") && !strings.Contains(err.Error(), "Authorization:"),
					strings.HasPrefix(fault, "401") && c.user != "" && !strings.Contains(err.Error(), "Authorization: "):
					t.Fatalf("error %q does not show the echo, so the test proves nothing", err)
				case strings.HasPrefix(fault, "500") && !strings.Contains(err.Error(), "serving /api/v1/query"):
					t.Fatalf("error %q does not show the echo, so the test proves nothing", err)
				}
				_, rangeErr := client.QueryRange(context.Background(), "up", at, at.Add(time.Hour), time.Minute)
				for _, out := range []struct{ what, text string }{
					{"Query error", err.Error()},
					{"QueryRange error", rangeErr.Error()},
					{"log", logs.String()},
					{"String()", client.String()},
				} {
					for _, s := range c.secrets {
						if strings.Contains(out.text, s) {
							t.Errorf("%s contains secret %q:\n%s", out.what, s, out.text)
						}
					}
				}
			})
		}
	}
}

// TestHTTPCommonWordPasswords: a password that is a common word is replaced
// where it stands alone (echoed as password=WORD), and never inside other
// words ("connection refused").
func TestHTTPCommonWordPasswords(t *testing.T) {
	for _, pw := range []string{"connect", "query", "error"} {
		t.Run(pw, func(t *testing.T) {
			t.Parallel()
			echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, pass, _ := r.BasicAuth()
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, "login failed for password="+pass+": errors in queryable store; connection refused")
			}))
			t.Cleanup(echo.Close)
			h, _ := newClient(t, strings.Replace(echo.URL, "http://", "http://alice:"+pw+"@", 1))
			_, err := h.Query(context.Background(), "up", at)
			if err == nil {
				t.Fatal("Query succeeded against a failing server")
			}
			msg := err.Error()
			if !strings.Contains(msg, "password=<secret>:") {
				t.Errorf("the echoed password was not replaced: %s", msg)
			}
			for _, intact := range []string{"errors in queryable store; connection refused", "could not query Prometheus"} {
				if intact == "could not query Prometheus" && pw == "query" {
					continue // there the password stands alone
				}
				if !strings.Contains(msg, intact) {
					t.Errorf("%q was mangled: %s", intact, msg)
				}
			}

			refused, _ := newClient(t, "http://alice:"+pw+"@"+closedAddr(t), func(o *prom.HTTPOptions) { o.MaxRetries = 0 })
			_, err = refused.Query(context.Background(), "up", at)
			if err == nil || !strings.Contains(err.Error(), "connection refused") {
				t.Errorf("error %v, want it to say the connection was refused", err)
			}
		})
	}
}
