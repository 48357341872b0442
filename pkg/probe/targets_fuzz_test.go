package probe_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/probe"
)

// FuzzReadTargets: a targets file never panics the reader; every target it returns
// reads back from its name, and every error names a line of the file.
func FuzzReadTargets(f *testing.F) {
	for _, s := range []string{"db1\n", "# x\n[::1]:5433 # y\n\n", "db:0\n", "a b\n", "[::1\n", "::1\n10.0.0.1:65535\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		targets, err := probe.ReadTargets(strings.NewReader(list), "list")
		checkParseError(t, err, list)
		for _, tg := range targets {
			host, port, perr := probe.ParseTarget(tg.Name)
			if perr != nil || host != tg.Host || port != tg.Port {
				t.Fatalf("target %+v reads back as %q %d, %v", tg, host, port, perr)
			}
		}
	})
}

// FuzzReadServiceFile: a service file never panics the reader; every target has a
// name, a port in range, and a place to connect or a socket; every error names a
// line of the file.
func FuzzReadServiceFile(f *testing.F) {
	for _, s := range []string{
		"[a]\nhost=db1,db2\nport=1,2\n", "[a]\nhostaddr=10.0.0.1\nsslmode=require\n[b]\n", "x=y\n[a\n",
		"[a]\nhost=/tmp\n[a]\nhost=b\n", "[a]\nport=,\nhost=,\n", "[a]\nservice=b\n", " # c\n[s]\n  sslrootcert=r.crt  \n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, conf string) {
		targets, err := probe.ReadServiceFile(strings.NewReader(conf), "svc")
		checkParseError(t, err, conf)
		for _, tg := range targets {
			if tg.Name == "" || tg.Port < 1 || tg.Port > 65535 || (tg.Socket == "") == (tg.Host == "" && tg.HostAddr == "") {
				t.Fatalf("target %+v", tg)
			}
		}
	})
}

func checkParseError(t *testing.T, err error, text string) {
	t.Helper()
	var pe *probe.ParseError
	if err == nil || !errors.As(err, &pe) {
		return
	}
	if pe.Line < 1 || pe.Line > strings.Count(text, "\n")+1 || !strings.HasPrefix(err.Error(), pe.File+":") {
		t.Fatalf("error %v names line %d of a %d-line file", err, pe.Line, strings.Count(text, "\n")+1)
	}
}
