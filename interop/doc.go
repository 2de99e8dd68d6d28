// Package interop translates between nines/v1 specs and the ecosystem's SLO
// specs: it imports OpenSLO v1 and Sloth (prometheus/v1 and the Kubernetes
// sloth.slok.dev/v1 PrometheusServiceLevel) into nines/v1 service specs, and
// exports nines SLOs as OpenSLO v1 documents. Every field it reads or writes
// is accounted for in Notes: mapped exactly, approximated, or dropped, each
// with its reason. It is pure: bytes in, bytes and notes out.
package interop
