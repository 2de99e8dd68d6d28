package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// urlSecretFault starts a server that fails as fault says (connection
// refused, 401 echoing the Authorization header, 500 echoing the URL it
// was asked for, as a path and query and as an absolute URL) and returns
// its address (host:port), and the text of its echo that proves it was
// heard ("" for none).
func urlSecretFault(t *testing.T, fault string) (addr, echo string) {
	t.Helper()
	var h http.HandlerFunc
	switch fault {
	case "connection refused":
		return strings.TrimPrefix(gateFaultURL(t, fault), "http://"), ""
	case "401 echoing the Authorization header":
		h = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "who are you? Authorization: %s", r.Header.Get("Authorization"))
		}
		echo = "who are you? Authorization:"
	case "500 echoing the URL":
		h = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "cannot serve %s (http://%s%s)", r.URL.RequestURI(), r.Host, r.URL.RequestURI())
		}
		echo = "cannot serve /"
	default:
		t.Fatalf("unknown fault %q", fault)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), echo
}

// TestURLSecretsNeverLeak gives a password in the userinfo and an API key in
// the query string of every URL flag (--prometheus.url,
// NINES_PROMETHEUS_URL, --pushgateway), against a server that refuses the
// connection, answers 401 echoing the Authorization header, or answers 500
// echoing the URL, at the default log level and at debug: neither secret,
// nor the basic-auth header, appears on stdout, stderr or in the audit log.
func TestURLSecretsNeverLeak(t *testing.T) {
	const (
		password = "pw-s3cr3t-1"
		apiKey   = "qk-s3cr3t-2"
	)
	secrets := []string{password, apiKey, base64.StdEncoding.EncodeToString([]byte("deployer:" + password))}
	withSecrets := func(addr string) string { return "http://deployer:" + password + "@" + addr + "/?api_key=" + apiKey }
	good := gateFakeProm(t, gateTestData())
	specs := gateTestSpecs(t)

	flags := []struct {
		name string
		// args and env give url to the gate.
		args func(url string) []string
		env  func(url string) map[string]string
	}{
		{"--prometheus.url",
			func(url string) []string { return []string{"--prometheus.url", url} },
			func(string) map[string]string { return nil }},
		{"NINES_PROMETHEUS_URL",
			func(string) []string { return nil },
			func(url string) map[string]string { return map[string]string{"NINES_PROMETHEUS_URL": url} }},
		{"--pushgateway",
			func(url string) []string { return []string{"--prometheus.url", good.URL, "--pushgateway", url} },
			func(string) map[string]string { return nil }},
	}
	for _, flag := range flags {
		for _, fault := range []string{"connection refused", "401 echoing the Authorization header", "500 echoing the URL"} {
			for _, level := range []string{"warn", "debug"} {
				t.Run(fmt.Sprintf("%s, %s, --log.level %s", flag.name, fault, level), func(t *testing.T) {
					addr, echo := urlSecretFault(t, fault)
					url := withSecrets(addr)
					audit := filepath.Join(t.TempDir(), "audit.jsonl")
					args := append([]string{"--specs", specs, "--at", gateAt.Format(time.RFC3339), "--cache-dir", t.TempDir(),
						"--service", "search", "--query.retries", "0", "--audit-log", audit, "--log.level", level}, flag.args(url)...)
					code, out, errOut := gateRun(t, flag.env(url), args...)
					if code != exitOK {
						t.Fatalf("exit code %d, want 0 (search fails open)\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
					}
					data, err := os.ReadFile(audit)
					if err != nil {
						t.Fatal(err)
					}
					// The fault must show, or the test proves nothing.
					shown := out + errOut
					switch {
					case flag.name == "--pushgateway" && !strings.Contains(errOut, "could not push the decision to the Pushgateway"):
						t.Fatalf("the failed push was not reported:\n%s", errOut)
					case flag.name != "--pushgateway" && !strings.Contains(string(data), `"path":"fail_open"`):
						t.Fatalf("the source did not fail:\n%s", data)
					case !strings.Contains(shown, echo):
						t.Fatalf("the server's echo %q is not shown:\n%s", echo, shown)
					case !strings.Contains(shown, addr):
						t.Fatalf("the URL is not shown at all:\n%s", shown)
					}
					for _, o := range []struct{ what, text string }{{"stdout", out}, {"stderr", errOut}, {"the audit log", string(data)}} {
						for _, s := range secrets {
							if strings.Contains(o.text, s) {
								t.Errorf("%s shows the secret %q:\n%s", o.what, s, o.text)
							}
						}
					}
				})
			}
		}
	}
}

// TestPushSendsTheURLsCredentials: the Pushgateway URL's userinfo is sent as
// basic auth and its query with every request, at the path push builds.
func TestPushSendsTheURLsCredentials(t *testing.T) {
	type request struct{ method, path, query, auth string }
	got := make(chan request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got <- request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization")}
	}))
	t.Cleanup(srv.Close)
	url := strings.Replace(srv.URL, "http://", "http://deployer:pw@", 1) + "/?api_key=k%2By"
	code, _, errOut := gateRun(t, nil, "--specs", gateTestSpecs(t), "--prometheus.url", gateFakeProm(t, gateTestData()).URL,
		"--at", gateAt.Format(time.RFC3339), "--cache-dir", t.TempDir(), "--service", "search", "--pushgateway", url)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit code %d, stderr:\n%s", code, errOut)
	}
	want := request{http.MethodPut, "/metrics/job/nines_gate/service/search", "api_key=k%2By",
		"Basic " + base64.StdEncoding.EncodeToString([]byte("deployer:pw"))}
	select {
	case r := <-got:
		if r != want {
			t.Errorf("request %+v, want %+v", r, want)
		}
	default:
		t.Fatal("nothing was pushed")
	}
}
