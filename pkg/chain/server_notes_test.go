package chain

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
)

func TestServerChainNotesRootLeftOutIsInformation(t *testing.T) {
	root := Input{Cert: &x509.Certificate{Subject: pkix.Name{CommonName: "Root"}}, File: "root.crt"}
	s := &ServerChain{Path: &Path{Complete: true, Certs: []Input{{File: "leaf.crt"}, root}}, RootLeftOut: true}
	notes := s.Notes()
	if len(notes) != 1 || notes[0].Warning || !strings.HasPrefix(notes[0].Text, "left out the root ") {
		t.Errorf("Notes() = %+v, want one piece of information about the root left out", notes)
	}
}
