package bootstrap

import (
	"crypto"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// CheckRequestNames refuses a request that names no host a client could
// verify: with no sans, the Common Name must be a host name. A wildcard over a
// whole top-level domain is refused unless force (CheckWildcards).
func CheckRequestNames(subject pkix.RDNSequence, sans selfsign.SANs, force bool) error {
	named := sans
	cnIsHost := true
	if sans.Empty() {
		named, cnIsHost = selfsign.CommonNameSANs(subject)
	}
	if err := CheckWildcards(named, force); err != nil {
		return err
	}
	if !cnIsHost {
		return hint.Errorf([]string{
			"give the server's host names with --san DNS:db.example.com,IP:10.0.0.5",
			"or a host name as Common Name (--cn)",
		}, "the request names no host: its Common Name is not a host name and no --san was given")
	}
	return nil
}

// MakeRequest signs a certificate request for key with subject and sans, and
// returns it as DER and as its file's contents: PEM, after its text dump (as
// openssl req -text writes it) with text.
func MakeRequest(key crypto.Signer, subject pkix.RDNSequence, sans selfsign.SANs, text bool, rand io.Reader) (der, file []byte, err error) {
	der, err = selfsign.NewRequest(key, subject, sans, rand)
	if err != nil {
		return nil, nil, RequestError(err)
	}
	file = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
	if text {
		csr, err := selfsign.ParseRequest(der)
		if err != nil {
			return nil, nil, err
		}
		file = append([]byte(inspect.TextRequest(csr)), file...)
	}
	return der, file, nil
}

// RequestExistsHint gives the hint for an existing new-key file keyPath (an
// *fsutil.ExistsError): -o names the request, so the key's other name is
// --new-key, or the key is used with --key. Other errors are returned as they
// are, for the general hint.
func RequestExistsHint(err error, newKey bool, keyPath string) error {
	var exists *fsutil.ExistsError
	if !newKey || !errors.As(err, &exists) || exists.Path != keyPath || exists.LinkTarget != "" {
		return err
	}
	if fi, statErr := os.Lstat(keyPath); statErr == nil && fi.IsDir() {
		// A directory is never replaced: the general hint says so.
		return err
	}
	return hint.Errorf([]string{fmt.Sprintf("add --force to replace it, name the new key with --new-key FILE, or make the request for it with --key %s", words.ShellWord(keyPath))},
		"%s", exists)
}

// WriteText writes what `pgcert req` prints: the new key's file, then the
// request's file with its subject and names. A request sent elsewhere (no
// RequestFile) gets no line.
func (r *RequestResult) WriteText(w io.Writer) error {
	if r.KeyFile != nil {
		if err := writeKeyLine(w, *r.KeyFile, r.Key); err != nil {
			return err
		}
	}
	if r.RequestFile == nil {
		return nil
	}
	_, err := fmt.Fprintf(w, "wrote %s: subject %s, names %s\n", r.RequestFile.Path,
		words.OrNone(r.Request.Subject), words.List(r.Request.SANs.Strings()))
	return err
}
