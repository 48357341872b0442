package cli

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
)

type chainOptions struct {
	f            *Factory
	Inputs       []string
	Output       string
	Key          string
	PassIn       string
	Roots        []string
	NoRoot       bool
	AllowExpired bool
	Force        bool
}

func newChainCmd(f *Factory, runF func(*chainOptions) error) *cobra.Command {
	opts := &chainOptions{f: f}
	cmd := &cobra.Command{
		Use:   "chain CERTFILE...",
		Short: "write server.crt: the server's certificate, then its issuers, in the order the server needs",
		Long:  help.Long("chain"), Example: help.Example("chain"),
		Args:              minArgs(1, "at least one CERTFILE"),
		ValidArgsFunction: certFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if runF != nil {
				return runF(opts)
			}
			return chainRun(opts)
		},
	}
	fl := cmd.Flags()
	addOutFlag(cmd, &opts.Output, "server.crt", "write the chain to `FILE` (- for standard output)", "crt", "pem")
	addFileFlag(cmd, &opts.Key, "key", "the private key `FILE` of the server: its certificate is the leaf", keyExts...)
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of an encrypted --key or of PKCS#12 inputs: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	addFileListFlag(cmd, &opts.Roots, "root", "trusted root certificates `FILE` the chain must reach (repeatable)", certExts...)
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root out of the file")
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "write a chain with expired or not yet valid certificates, with a warning")
	addForceFlag(cmd, &opts.Force)
	return cmd
}

func chainRun(opts *chainOptions) error {
	f := opts.f
	toStdout := opts.Output == "-"
	if toStdout && f.Global.JSON {
		return usageErrorf("-o - and --json both write to standard output: give an output file with -o")
	}
	force := false
	if !toStdout {
		var err error
		if force, err = f.allowOverwrite(opts.Force, opts.Output); err != nil {
			return err
		}
	}
	inputs, p12Keys, err := f.readPKIInputs(opts.Inputs, "", "--passin", opts.PassIn)
	if err != nil {
		return err
	}
	roots, err := f.readCertInputs(opts.Roots, "--root")
	if err != nil {
		return err
	}
	var pub crypto.PublicKey
	if opts.Key != "" {
		k, err := f.loadKey(opts.Key, "--passin", opts.PassIn)
		if err != nil {
			return err
		}
		pub = k.Signer.Public()
	} else if len(p12Keys) == 1 {
		// A PKCS#12 file holds the leaf's key: it picks the leaf, as --key would.
		pub = p12Keys[0].Signer.Public()
	}
	now := f.Now()
	plan, err := chain.PlanServerChain(inputs, chain.ServerOptions{Now: now, Key: pub, Roots: roots, AllowExpired: opts.AllowExpired, NoRoot: opts.NoRoot})
	if err != nil {
		return leafError(err, opts.Key)
	}
	path := plan.Path
	if len(plan.Problems) > 0 {
		f.infof("the path pgcert found, not written:")
		f.printPath(f.IO.ErrOut, path, len(path.Certs), now)
		return chainRefusal(plan.Problems, path)
	}

	for _, w := range path.Warnings {
		f.warnf("%s; written all the same (--allow-expired)", chainText(w))
	}
	if len(path.Unrelated) > 0 {
		f.warnf("left out %s not on the path of the leaf %s: %s", plural(len(path.Unrelated), "certificate", "certificates"), path.Leaf(), shortInputList(path.Unrelated))
	}
	if len(path.Duplicates) > 0 {
		f.warnf("%s", droppedDuplicates(path.Duplicates))
	}
	switch {
	case path.Missing != nil:
		top := path.Certs[len(path.Certs)-1]
		f.warnf("no root among the inputs: the chain ends with %s, whose issuer %s clients must hold in their root.crt (give the root with --root to check that the chain reaches it)", top, path.Missing.Issuer)
	case plan.RootLeftOut:
		root, _ := path.Root()
		f.infof("left out the root %s: the leaf is signed by the root itself, so server.crt holds the leaf alone and clients hold the root", root)
	}

	data := plan.PEM()
	written := plan.Written()
	if toStdout {
		if _, err := f.IO.Out.Write(data); err != nil {
			return err
		}
		f.infof("wrote %s to standard output", plural(written, "certificate", "certificates"))
		f.printPath(f.IO.ErrOut, path, written, now)
		return nil
	}
	w, err := fsutil.WriteFile(opts.Output, data, dataDirOwner(filepath.Dir(opts.Output), fsutil.PublicMode, force))
	if err != nil {
		return err
	}
	f.noteReplacedLink(w)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, chainReport(w, path, written, plan.WithRoot))
	}
	fmt.Fprintf(f.IO.Out, "wrote %s: %s, mode %04o\n", w.Path, plural(written, "certificate", "certificates"), w.Mode)
	f.printPath(f.IO.Out, path, written, now)
	return nil
}

// printPath lists the path, one certificate a line with its role; those from the
// written-th on are marked as not written.
func (f *Factory) printPath(out io.Writer, path *chain.Path, written int, now time.Time) {
	if out == f.IO.ErrOut && f.Global.Quiet {
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for i, e := range path.Elements() {
		note := ""
		if i >= written {
			note = ", not written"
		}
		fmt.Fprintf(tw, "  %s\t%s, %s%s\n", e.Role, path.Certs[i], expiryText(path.Certs[i], now), note)
	}
	tw.Flush()
}

// maxDuplicatesNamed is how many certificates a summary of many duplicates names: a
// pile of thousands of copies (a trust store pasted in a loop) is one line that
// says how many, and which.
const maxDuplicatesNamed = 3

// droppedDuplicates says which duplicates chain and root dropped: every one while
// they are few, else their number and the first few distinct certificates.
func droppedDuplicates(dups []chain.Input) string {
	if len(dups) <= maxListed {
		return fmt.Sprintf("dropped %s: %s", plural(len(dups), "duplicate", "duplicates"), inputList(dups))
	}
	var first []chain.Input
	seen := map[string]bool{}
	for _, in := range dups {
		key := in.String()
		if !seen[key] && len(first) < maxDuplicatesNamed {
			seen[key] = true
			first = append(first, in)
		}
	}
	return fmt.Sprintf("dropped %s duplicate certificates (first: %s; --json lists them all)", thousands(len(dups)), inputList(first))
}

// thousands writes n with a comma between groups of three digits: 16,383.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// leafError explains why no leaf could be chosen.
func leafError(err error, keyFile string) error {
	var mismatch *chain.KeyMismatchError
	var ambiguous *chain.AmbiguousLeafError
	switch {
	case errors.As(err, &mismatch):
		hints := []string{"give the key the certificate was requested with, or the certificate issued for " + keyFile,
			`the server would refuse to start with them: could not load private key file "` + keyFile + `": key values mismatch`}
		if len(mismatch.Leaves) == 0 {
			return failf(hints, "%s matches no certificate given", keyFile)
		}
		return failf(hints, "%s is not the key of %s, nor of any other certificate given", keyFile, inputList(mismatch.Leaves))
	case errors.As(err, &ambiguous) && ambiguous.ByKey:
		return failf([]string{"keep only the certificate to serve (a renewed certificate often keeps the old key)"},
			"%d certificates carry the key of %s, so each could be the leaf: %s", len(ambiguous.Candidates), keyFile, inputList(ambiguous.Candidates))
	case errors.As(err, &ambiguous):
		return failf([]string{"give the server's private key with --key to pick its certificate", "or leave out the certificates that are not the server's"},
			"cannot tell which certificate is the leaf: %d are not CAs and issue no other: %s", len(ambiguous.Candidates), inputList(ambiguous.Candidates))
	case errors.Is(err, chain.ErrNoLeaf):
		return failf([]string{"add the file with the server's own certificate"}, "every certificate given issues another one, so none is the server's")
	}
	return err
}

// chainRefusal turns the problems of a path into the error pgcert refuses to write
// with: each problem's message, one hint per problem saying what to do.
func chainRefusal(problems []error, path *chain.Path) error {
	var msgs, hints []string
	for _, p := range problems {
		msg, hint := chainProblem(p, path)
		msgs = append(msgs, msg)
		if hint != "" {
			hints = append(hints, hint)
		}
	}
	hints = append(hints, "nothing was written")
	if len(msgs) == 1 {
		return failf(hints, "%s", msgs[0])
	}
	return failf(hints, "%d problems in the chain of %s: %s", len(msgs), path.Leaf(), strings.Join(msgs, "; "))
}

// chainProblem says what one problem of a path is and what to do about it.
func chainProblem(err error, path *chain.Path) (msg, hint string) {
	var unreached *chain.UnreachedRootError
	var notGiven *chain.UntrustedRootError
	var missing *chain.MissingIssuerError
	var sig *chain.SignatureError
	var keyID *chain.KeyIDMismatchError
	var notCA *chain.NotCAError
	var pathLen *chain.PathLenError
	var expired *chain.ExpiredError
	var tooLarge *chain.TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return chainText(tooLarge), "no client could connect with it: get the server a certificate with fewer or shorter names"
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
			return chainText(sig), fmt.Sprintf("%s or %s is damaged: get both again from the CA", sig.Cert, sig.Issuer)
		}
		return chainText(sig), fmt.Sprintf("%s did not sign it: get the certificate of the CA key that did (the CA may have been re-keyed under the same name)", sig.Issuer)
	case errors.As(err, &keyID):
		return chainText(keyID), "get the issuer certificate its authority key identifier names (the CA's other copy, with the same key)"
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
		return chainText(pathLen), "OpenSSL refuses the chain (path length constraint exceeded): get a chain the CA's constraints allow"
	case errors.As(err, &expired):
		fix := "renew it"
		if !bytes.Equal(expired.Cert.Cert.Raw, path.Leaf().Cert.Raw) {
			fix = "get the CA's current certificate"
		}
		return chainText(expired), fix + ", or add --allow-expired to write the chain all the same"
	}
	return chainText(err), ""
}

// chainJSON is the --json output of `pgcert chain` (README.md, "JSON output", pgcert chain).
type chainJSON struct {
	File          fileReport     `json:"file"`
	Complete      bool           `json:"complete"`
	RootWritten   bool           `json:"root_written"`
	Certificates  []chainElement `json:"certificates"`
	MissingIssuer string         `json:"missing_issuer,omitempty"`
	Unrelated     []certRef      `json:"unrelated"`
	Duplicates    []certRef      `json:"duplicates"`
	Warnings      []string       `json:"warnings"`
}

// chainElement is one certificate of the path and whether it was written.
type chainElement struct {
	chain.Element
	Written bool `json:"written"`
}

func chainReport(w *fsutil.Written, path *chain.Path, written int, withRoot bool) chainJSON {
	r := chainJSON{
		File:        fsutil.Report(w),
		Complete:    path.Complete,
		RootWritten: withRoot,
		Unrelated:   certRefs(path.Unrelated),
		Duplicates:  certRefs(path.Duplicates),
		Warnings:    errorTexts(path.Warnings),
	}
	for i, e := range path.Elements() {
		r.Certificates = append(r.Certificates, chainElement{Element: e, Written: i < written})
	}
	if path.Missing != nil {
		r.MissingIssuer = path.Missing.Issuer
	}
	return r
}
