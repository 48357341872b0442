package cli

import (
	"crypto/x509"
	"encoding/pem"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/keys"
)

// showOptions are the arguments of `pgcert show`.
type showOptions struct {
	f      *Factory
	PassIn string
	Files  []string
}

func newShowCmd(f *Factory, runF func(*showOptions) error) *cobra.Command {
	opts := &showOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show FILE...",
		Short: "describe certificates, requests, CRLs and keys",
		Long:  help.Long("show"), Example: help.Example("show"),
		Args:              minArgs(1, "at least one FILE"),
		ValidArgsFunction: pkiFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.PassIn, "passin", "", "password `SOURCE` of PKCS#12 files: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	return cmd
}

func showRun(opts *showOptions) error {
	files, err := opts.f.describeFilesPass(opts.Files, nil, opts.PassIn)
	if err != nil {
		return err
	}
	return opts.f.printShownFiles(files)
}

// describeFiles reads and describes every file before anything is printed, so that
// a bad file fails the command without half an output. keep, when not nil, picks
// what of a file's objects is shown, or refuses the file.
func (f *Factory) describeFiles(paths []string, keep func(path string, objs []*inspect.Object) ([]*inspect.Object, error)) ([]inspect.File, error) {
	return f.describeFilesPass(paths, keep, "")
}

// describeFilesPass is describeFiles that opens PKCS#12 files with the --passin
// source passSpec.
func (f *Factory) describeFilesPass(paths []string, keep func(path string, objs []*inspect.Object) ([]*inspect.Object, error), passSpec string) ([]inspect.File, error) {
	now := f.Now()
	var files []inspect.File
	for _, path := range paths {
		data, err := f.readInput(path)
		if err != nil {
			return nil, err
		}
		var objs []*inspect.Object
		if keys.IsPKCS12(data) {
			objs, err = f.describePKCS12(path, data, passSpec)
		} else {
			stop := f.IO.StartProgress("reading " + path)
			objs, err = inspect.Describe(data, now)
			stop()
			if err != nil {
				err = inspect.Explain(path, err)
			}
		}
		if err != nil {
			return nil, err
		}
		if keep != nil {
			if objs, err = keep(path, objs); err != nil {
				return nil, err
			}
		}
		files = append(files, inspect.File{Path: path, PathB64: fsutil.PathB64(path), Objects: objs})
	}
	return files, nil
}

// describePKCS12 describes the certificates of a PKCS#12 file, then its key.
func (f *Factory) describePKCS12(path string, data []byte, passSpec string) ([]*inspect.Object, error) {
	p12, err := keys.ParsePKCS12(data, f.existingPassphrase("--passin", passSpec, path))
	if err != nil {
		return nil, keyError(path, "--passin", err)
	}
	var certs []byte
	for _, c := range append([]*x509.Certificate{p12.Cert}, p12.CACerts...) {
		certs = append(certs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	objs, err := inspect.Describe(certs, f.Now())
	if err != nil {
		return nil, inspect.Explain(path, err)
	}
	for _, o := range objs {
		o.Encoding, o.PEMType = inspect.EncodingDER, ""
	}
	info := p12.Key.Info
	return append(objs, &inspect.Object{Type: inspect.TypePrivateKey, Encoding: inspect.EncodingDER, PrivateKey: &info}), nil
}

// printShownFiles prints described files: one JSON document with --json, else
// each file's objects, a blank line between files.
func (f *Factory) printShownFiles(files []inspect.File) error {
	if f.Global.JSON {
		return inspect.WriteJSON(f.IO.Out, files)
	}
	return inspect.WriteText(f.IO.Out, files, f.IO.OutColors())
}
