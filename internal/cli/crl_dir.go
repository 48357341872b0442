package cli

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/crl"
)

type crlDirOptions struct {
	f            *Factory
	Files        []string
	Out          string
	CAs          []string
	AllowExpired bool
	Force        bool
}

func newCrlDirCmd(f *Factory, runF func(*crlDirOptions) error) *cobra.Command {
	opts := &crlDirOptions{f: f}
	cmd := &cobra.Command{
		Use:   "dir --out DIR [--ca FILE...] CRLFILE...",
		Short: "write an OpenSSL hashed CRL directory for ssl_crl_dir or sslcrldir",
		Long:  help.Long("crl dir"), Example: help.Example("crl dir"),
		Args:              minArgs(1, "at least one CRLFILE"),
		ValidArgsFunction: crlFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return crlDirRun(opts)
		},
	}
	fl := cmd.Flags()
	addOutDirFlag(cmd, &opts.Out, "the hashed `DIR` to write (created when missing)")
	addFileListFlag(cmd, &opts.CAs, "ca", "a `FILE` of CA certificates to check the CRLs against; repeat for more", certExts...)
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "file a CRL that is expired or not yet valid (the server then rejects its CA's certificates)")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace differing <hash>.r<N> files and remove stale ones")
	return cmd
}

func crlDirRun(opts *crlDirOptions) error {
	f := opts.f
	if opts.Out == "" {
		return usageErrorf("give the directory to write with --out DIR")
	}
	dir := opts.Out
	release, err := f.lockOutputDataDir(dir)
	if err != nil {
		return err
	}
	defer release()
	inputs, err := f.readCRLInputs(opts.Files)
	if err != nil {
		return err
	}
	var lists []*x509.RevocationList
	source := map[*x509.RevocationList]string{}
	if len(opts.CAs) > 0 {
		cas, err := f.readCertInputs(opts.CAs, "--ca")
		if err != nil {
			return err
		}
		checked, err := crl.CheckCAs(inputs, cas, "--ca", f.Now(), opts.AllowExpired)
		if err != nil {
			return err
		}
		lists, source = checked.Merged.CRLs, checked.Source
	} else {
		f.infof("without --ca, the CRLs' signatures are not checked, nor whether every CA has one")
		lists, err = crl.Current(inputs, f.Now(), opts.AllowExpired)
		var ce *crl.CheckError
		if errors.As(err, &ce) {
			return ce.Explain(nil, "", "make a current CRL with pgcert crl gen, or add --allow-expired to file it all the same")
		} else if err != nil {
			return err
		}
		for _, in := range inputs {
			source[in.CRL] = in.File
		}
	}
	plan, err := crl.PlanDir(dir, lists)
	switch {
	case errors.Is(err, crl.ErrNotDir):
		return failf([]string{"give a directory with --out; ssl_crl_dir names a directory"}, "%s is not a directory", dir)
	case err != nil:
		return inputError(dir, err)
	}
	replaced := plan.Replaced()
	if len(replaced)+len(plan.Stale) > 0 {
		ok, err := f.allowOverwrite(opts.Force, append(slices.Clone(replaced), plan.Stale...)...)
		if err != nil {
			return err
		}
		if !ok {
			return plan.Refusal()
		}
	}

	if plan.Create {
		if err := f.makeCRLDir(dir); err != nil {
			return err
		}
	}
	report, written, err := plan.Apply(fsutil.DirOwnerOptions(dir, fsutil.PublicMode, true), source)
	for _, w := range written {
		f.noteReplacedLink(w)
	}
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, report)
	}
	report.WriteText(f.IO.Out)
	return nil
}

// makeCRLDir creates dir with mode 0755 (the server and libpq only read it), owned,
// when pgcert runs as root inside a data directory, by the data directory's owner.
func (f *Factory) makeCRLDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return failf([]string{"create it yourself, or give another --out"}, "creating %s: %v", dir, err)
	}
	// The mode and owner are set through a descriptor opened beneath the parent:
	// in a data directory, its owner could swap the new directory for a link.
	parent := filepath.Dir(filepath.Clean(dir))
	o := fsutil.DirOwnerOptions(parent, 0o755, false)
	if err := fsutil.SetBeneath(parent, filepath.Base(filepath.Clean(dir)), 0o755, o.Chown, o.UID, o.GID); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	f.infof("created %s (mode 0755)", dir)
	return nil
}
