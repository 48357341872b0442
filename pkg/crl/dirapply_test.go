package crl

import (
	"strings"
	"testing"
)

func TestDirReportWriteTextStatuses(t *testing.T) {
	r := &DirReport{Dir: "/d", Files: []DirFileReport{
		{Name: "a.r0", Status: DirWritten, Summary: Summary{Issuer: "CN=A"}, Source: "a.crl"},
		{Name: "b.r0", Status: DirReplaced, Summary: Summary{Issuer: "CN=B"}, Source: "b.crl"},
		{Name: "c.r0", Status: DirUnchanged, Summary: Summary{Issuer: "CN=C"}, Source: "c.crl"},
	}, Removed: []string{"/d/e.r1"}}
	var b strings.Builder
	r.WriteText(&b)
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "/d: 3 CRLs" || !strings.HasSuffix(lines[1], "(from a.crl)") || !strings.HasSuffix(lines[2], "(from b.crl), replaced") ||
		!strings.HasSuffix(lines[3], "(from c.crl), unchanged") || lines[4] != "removed the stale /d/e.r1" {
		t.Errorf("got\n%s", b.String())
	}
}
