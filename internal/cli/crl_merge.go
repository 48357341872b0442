package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/crl"
)

type crlMergeOptions struct {
	f            *Factory
	Files        []string
	CAs          []string
	Out          string
	AllowExpired bool
	Force        bool
}

func newCrlMergeCmd(f *Factory, runF func(*crlMergeOptions) error) *cobra.Command {
	opts := &crlMergeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "merge --ca FILE... [-o FILE] CRLFILE...",
		Short: "put one current CRL per CA into one file for ssl_crl_file or sslcrl",
		Long:  help.Long("crl merge"), Example: help.Example("crl merge"),
		Args:              minArgs(1, "at least one CRLFILE"),
		ValidArgsFunction: crlFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return crlMergeRun(opts)
		},
	}
	fl := cmd.Flags()
	addFileListFlag(cmd, &opts.CAs, "ca", "a `FILE` of CA certificates (a root.crt bundle, or one CA); repeat for more", certExts...)
	addOutFlag(cmd, &opts.Out, "", "write the merged CRLs to `FILE` (default: standard output)", "crl", "pem")
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "keep a CRL that is expired or not yet valid (the server then rejects its CA's certificates)")
	addForceFlag(cmd, &opts.Force)
	return cmd
}

func crlMergeRun(opts *crlMergeOptions) error {
	f := opts.f
	if len(opts.CAs) == 0 {
		return usageErrorf("give the CA certificates with --ca FILE (the root.crt bundle, or each CA's certificate): every CRL's signature is checked against its CA, and every CA must have a CRL")
	}
	out, err := f.resolveCRLOutput(opts.Out, opts.Force)
	if err != nil {
		return err
	}
	release, err := f.lockOutputDataDir(out.Path)
	if err != nil {
		return err
	}
	defer release()
	cas, err := f.readCertInputs(opts.CAs, "--ca")
	if err != nil {
		return err
	}
	inputs, err := f.readCRLInputs(opts.Files)
	if err != nil {
		return err
	}
	checked, err := crl.CheckCAs(inputs, cas, "--ca", f.Now(), opts.AllowExpired)
	if err != nil {
		return err
	}
	rep := crl.NewMergeReport(checked)
	for _, r := range rep.OutOfDate {
		f.warnf("%s: kept the %s although it is out of date (--allow-expired): the server rejects every certificate of that CA", r.Source, r.Summary)
	}
	w, err := f.writeCRLOutput(out, crlBytes(checked.Merged.PEM()))
	if err != nil {
		return err
	}
	if w == nil {
		for _, r := range rep.CRLs {
			f.infof("%s", r)
		}
		for _, r := range rep.Superseded {
			f.infof("left out the older %s", r)
		}
		return nil
	}
	f.noteReplacedLink(w)
	rep.File = fsutil.Report(w)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, rep)
	}
	rep.WriteText(f.IO.Out)
	for _, r := range rep.Superseded {
		f.infof("left out the older %s", r)
	}
	return nil
}
