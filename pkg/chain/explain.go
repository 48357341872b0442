package chain

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/pkg/hint"
)

// LeafError explains why PlanServerChain could choose no leaf (keyFile names
// ServerOptions.Key's file), with hints saying what to give instead; other errors
// are returned as they are.
func LeafError(err error, keyFile string) error {
	var mismatch *KeyMismatchError
	var ambiguous *AmbiguousLeafError
	switch {
	case errors.As(err, &mismatch):
		hints := []string{"give the key the certificate was requested with, or the certificate issued for " + keyFile,
			`the server would refuse to start with them: could not load private key file "` + keyFile + `": key values mismatch`}
		if len(mismatch.Leaves) == 0 {
			return hint.Errorf(hints, "%s matches no certificate given", keyFile)
		}
		return hint.Errorf(hints, "%s is not the key of %s, nor of any other certificate given", keyFile, List(mismatch.Leaves))
	case errors.As(err, &ambiguous) && ambiguous.ByKey:
		return hint.Errorf([]string{"keep only the certificate to serve (a renewed certificate often keeps the old key)"},
			"%d certificates carry the key of %s, so each could be the leaf: %s", len(ambiguous.Candidates), keyFile, List(ambiguous.Candidates))
	case errors.As(err, &ambiguous):
		return hint.Errorf([]string{"give the server's private key with --key to pick its certificate", "or leave out the certificates that are not the server's"},
			"cannot tell which certificate is the leaf: %d are not CAs and issue no other: %s", len(ambiguous.Candidates), List(ambiguous.Candidates))
	case errors.Is(err, ErrNoLeaf):
		return hint.Errorf([]string{"add the file with the server's own certificate"}, "every certificate given issues another one, so none is the server's")
	}
	return err
}

// Refusal is the error a server chain with Problems is refused with: each
// problem's message, one hint per problem saying what to do.
func (s *ServerChain) Refusal() error {
	path := s.Path
	var msgs, hints []string
	for _, p := range s.Problems {
		msg, fix := Explain(p, path)
		msgs = append(msgs, msg)
		if fix != "" {
			hints = append(hints, fix)
		}
	}
	hints = append(hints, "nothing was written")
	if len(msgs) == 1 {
		return hint.Errorf(hints, "%s", msgs[0])
	}
	return hint.Errorf(hints, "%d problems in the chain of %s: %s", len(msgs), path.Leaf(), strings.Join(msgs, "; "))
}

// Explain says what one problem of a path is and what to do about it, in the words
// of OpenSSL's refusal where it has one.
func Explain(err error, path *Path) (msg, fix string) {
	var unreached *UnreachedRootError
	var notGiven *UntrustedRootError
	var missing *MissingIssuerError
	var sig *SignatureError
	var keyID *KeyIDMismatchError
	var notCA *NotCAError
	var pathLen *PathLenError
	var expired *ExpiredError
	var tooLarge *TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return ErrorText(tooLarge), "no client could connect with it: get the server a certificate with fewer or shorter names"
	case errors.As(err, &notGiven):
		return fmt.Sprintf("the chain ends at the root %s, which is not among the --root certificates: clients that trust only those would refuse it", notGiven.Root),
			"give with --root the root the clients trust; the chain must reach it"
	case errors.As(err, &unreached):
		m := unreached.Missing
		return fmt.Sprintf("the issuer %s of %s is missing: add its certificate", m.Issuer, m.Cert),
			fmt.Sprintf("the chain does not reach the root %s given; the CA publishes the intermediate certificates between them", unreached.Root)
	case errors.As(err, &missing):
		return fmt.Sprintf("the issuer %s of %s is missing: add its certificate", missing.Issuer, missing.Cert),
			"the CA publishes its intermediate certificates (often as a chain or bundle file); add the file, or the root to --root"
	case errors.As(err, &sig):
		if sig.KeyIDMatches {
			return ErrorText(sig), fmt.Sprintf("%s or %s is damaged: get both again from the CA", sig.Cert, sig.Issuer)
		}
		return ErrorText(sig), fmt.Sprintf("%s did not sign it: get the certificate of the CA key that did (the CA may have been re-keyed under the same name)", sig.Issuer)
	case errors.As(err, &keyID):
		return ErrorText(keyID), "get the issuer certificate its authority key identifier names (the CA's other copy, with the same key)"
	case errors.As(err, &notCA):
		child := "another certificate"
		for i, in := range path.Certs {
			if i > 0 && bytes.Equal(in.Cert.Raw, notCA.Cert.Cert.Raw) {
				child = path.Certs[i-1].String()
			}
		}
		what := "basicConstraints CA:TRUE"
		if notCA.NoKeyCertSign {
			what = "keyUsage keyCertSign"
		}
		return fmt.Sprintf("%s is not a CA certificate (%s), so it cannot issue %s", notCA.Cert, notCA.Reason, child),
			fmt.Sprintf("an intermediate needs %s; OpenSSL refuses the chain (invalid CA certificate): get the right intermediate from the CA", what)
	case errors.As(err, &pathLen):
		return ErrorText(pathLen), "OpenSSL refuses the chain (path length constraint exceeded): get a chain the CA's constraints allow"
	case errors.As(err, &expired):
		fix := "renew it"
		if !bytes.Equal(expired.Cert.Cert.Raw, path.Leaf().Cert.Raw) {
			fix = "get the CA's current certificate"
		}
		return ErrorText(expired), fix + ", or add --allow-expired to write the chain all the same"
	}
	return ErrorText(err), ""
}
