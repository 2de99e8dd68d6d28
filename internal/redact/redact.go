// Package redact keeps credentials out of what nines prints, logs and
// records. URLs are redacted by their structure: the userinfo is dropped
// and every query value is replaced by Mask, whether or not the URL
// parses. Known secrets (passwords, tokens, query values) are replaced in
// messages only where they stand as a whole token, so that a password that
// is a common word ("connect") never mangles another word ("connection
// refused"). It uses the standard library only.
package redact

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask replaces every query value of a redacted URL.
const Mask = "xxxxx"

// Placeholder replaces a known secret in a message.
const Placeholder = "<secret>"

// MinSecretLen is the shortest secret that is replaced in messages: shorter
// strings would mangle them and protect nothing.
const MinSecretLen = 4

// URL returns raw without credentials: the userinfo and the fragment are
// dropped and every query value is replaced by Mask (an element without
// "=", which may be a bare token, is replaced whole), so
// "http://user:pw@host:9091/p?api_key=s3cr3t&x" is
// "http://host:9091/p?api_key=xxxxx&xxxxx". It works on the text, so a URL
// that does not parse is redacted too; the userinfo of such a URL ends at
// the last "@" before the query, even past a "/" (an unescaped "/" in a
// password), when a ":" precedes it.
func URL(raw string) string {
	prefix, rest := "", raw
	if i := strings.Index(raw, "://"); i >= 0 {
		prefix, rest = raw[:i+len("://")], raw[i+len("://"):]
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	query, hasQuery := "", false
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query, hasQuery = rest[:i], rest[i+1:], true
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		slash := strings.IndexByte(rest, '/')
		if slash < 0 || slash > at || strings.Contains(rest[:at], ":") {
			rest = rest[at+1:]
		}
	}
	if !hasQuery {
		return prefix + rest
	}
	return prefix + rest + "?" + maskQuery(query)
}

// maskQuery replaces every value of a raw query string by Mask, and every
// element without "=" whole.
func maskQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		switch {
		case p == "":
		case !ok:
			parts[i] = Mask
		case v != "":
			parts[i] = k + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// urlRE finds absolute URLs in text: a scheme, "://" and everything up to
// white space, a quote or an angle bracket.
var urlRE = regexp.MustCompile("(?i)[a-z][a-z0-9+.-]*://[^\\s\"'`<>]+")

// URLs redacts every absolute URL in s as URL does, such as the one net/http
// puts in its errors (Get "http://host/?token=...": ...). Punctuation that
// ends a URL ("http://host:9091: refused") is taken to end the sentence.
func URLs(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlRE.ReplaceAllStringFunc(s, func(m string) string {
		u := strings.TrimRight(m, ".,;:!?)]}")
		return URL(u) + m[len(u):]
	})
}

// Secrets are the known secrets of a client: what it sends as credentials.
// The zero value holds none and is ready to use.
type Secrets struct {
	list []string // longest first
}

// Add records secret, trimmed of surrounding space, with its URL-escaped
// forms (as a server may echo it); one shorter than MinSecretLen is
// ignored.
func (s *Secrets) Add(secret string) {
	secret = strings.TrimSpace(secret)
	if len(secret) < MinSecretLen {
		return
	}
	for _, v := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
		if !slices.Contains(s.list, v) {
			s.list = append(s.list, v)
		}
	}
	// Longest first, so that a secret containing another is replaced whole.
	slices.SortStableFunc(s.list, func(a, b string) int { return len(b) - len(a) })
}

// AddBasicAuth records password and the base64 of "user:password" that
// basic auth sends (and a server may echo from the Authorization header).
func (s *Secrets) AddBasicAuth(user, password string) {
	if password == "" {
		return
	}
	s.Add(password)
	s.Add(base64.StdEncoding.EncodeToString([]byte(user + ":" + password)))
}

// AddURL records the credentials u carries: the basic-auth password of
// its userinfo (or a lone user name, which is usually a token) and every
// query value, decoded and as given.
func (s *Secrets) AddURL(u *url.URL) {
	if u == nil {
		return
	}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			s.AddBasicAuth(u.User.Username(), pw)
		} else {
			s.Add(u.User.Username())
		}
	}
	for _, p := range strings.Split(u.RawQuery, "&") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			v = k
		}
		s.Add(v)
		if dv, err := url.QueryUnescape(v); err == nil {
			s.Add(dv)
		}
	}
}

// Len is how many secrets (and forms of them) are known.
func (s *Secrets) Len() int { return len(s.list) }

// Scrub removes credentials from msg: every URL in it is redacted (URLs),
// then every known secret that stands as a whole token is replaced by
// Placeholder. A secret stands as a whole token where no letter, digit or
// "_" adjoins it on a side where it begins or ends with one: with the
// password "connect", "password=connect" becomes "password=<secret>" and
// "connection refused" stays as it is.
func (s *Secrets) Scrub(msg string) string {
	msg = URLs(msg)
	if s == nil || len(s.list) == 0 {
		return msg
	}
	// Find every match first, longest secrets first, then replace, so a
	// replacement is never matched again.
	type span struct{ start, end int }
	var spans []span
	taken := func(a, b int) bool {
		for _, sp := range spans {
			if a < sp.end && sp.start < b {
				return true
			}
		}
		return false
	}
	for _, sec := range s.list {
		for from := 0; from < len(msg); {
			i := strings.Index(msg[from:], sec)
			if i < 0 {
				break
			}
			a, b := from+i, from+i+len(sec)
			if standsAlone(msg, a, b) && !taken(a, b) {
				spans = append(spans, span{a, b})
				from = b
				continue
			}
			_, size := utf8.DecodeRuneInString(msg[a:])
			from = a + size
		}
	}
	if len(spans) == 0 {
		return msg
	}
	slices.SortFunc(spans, func(x, y span) int { return x.start - y.start })
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(msg[last:sp.start])
		b.WriteString(Placeholder)
		last = sp.end
	}
	b.WriteString(msg[last:])
	return b.String()
}

// standsAlone reports whether msg[a:b] is a whole token: it does not begin
// with a word character right after another, nor end with one right before
// another.
func standsAlone(msg string, a, b int) bool {
	if first, _ := utf8.DecodeRuneInString(msg[a:]); isWord(first) && a > 0 {
		if prev, _ := utf8.DecodeLastRuneInString(msg[:a]); isWord(prev) {
			return false
		}
	}
	if last, _ := utf8.DecodeLastRuneInString(msg[:b]); isWord(last) && b < len(msg) {
		if next, _ := utf8.DecodeRuneInString(msg[b:]); isWord(next) {
			return false
		}
	}
	return true
}

// isWord reports whether r is part of a word: a letter, a digit or "_".
func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
