package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/keys"
)

// passSources lists the forms of a passphrase source (internal/passphrase), those of
// openssl's -passin and -passout.
const passSources = "pass:TEXT, env:VAR, file:PATH, fd:N or stdin"

// orList joins words as a sentence lists them: "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// addKeyTypeFlags registers --type, --curve and --bits for a command that makes a key.
func addKeyTypeFlags(cmd *cobra.Command, typ, curve *string, bits *int) {
	addKeyTypeFlagsWhen(cmd, "", typ, curve, bits)
}

// addKeyTypeFlagsWhen registers --type, --curve and --bits for a command that makes a
// key only in one mode, which when names (" with -D"). The values listed are those
// pkg/keys makes, so that a new type shows in every command's help at once.
func addKeyTypeFlagsWhen(cmd *cobra.Command, when string, typ, curve *string, bits *int) {
	fl := cmd.Flags()
	fl.StringVar(typ, "type", "ec", "key type"+when+": "+orList(keys.Types()))
	fl.StringVar(curve, "curve", "P-256", "ECDSA curve"+when+": "+orList(keys.Curves()))
	fl.IntVar(bits, "bits", keys.DefaultRSABits, "RSA key size"+when+": 2048, 3072 or 4096")
	cmd.RegisterFlagCompletionFunc("type", keyTypeCompletion)
	cmd.RegisterFlagCompletionFunc("curve", curveCompletion)
	cmd.RegisterFlagCompletionFunc("bits", fixedCompletion("2048", "3072", "4096"))
}

// addForceFlag registers -f/--force for a command that writes one output file:
// without it, pgcert never replaces a file.
func addForceFlag(cmd *cobra.Command, force *bool) {
	cmd.Flags().BoolVarP(force, "force", "f", false, "replace an existing output file")
}

// addForceFilesFlag registers -f/--force for a command that writes a key and what
// goes with it.
func addForceFilesFlag(cmd *cobra.Command, force *bool) {
	cmd.Flags().BoolVarP(force, "force", "f", false, "replace existing files")
}

// addForceCAFlag registers -f/--force for a command that makes a CA: what it allows
// are the CA refusals createCA makes.
func addForceCAFlag(cmd *cobra.Command, force *bool) {
	cmd.Flags().BoolVarP(force, "force", "f", false, "allow a CA inside a data directory, or an Ed25519 CA key")
}

// addCAPassInFlag registers --passin for a command that signs with the CA's key.
func addCAPassInFlag(cmd *cobra.Command, passIn *string) {
	cmd.Flags().StringVar(passIn, "passin", "", "passphrase `SOURCE` of the CA key: "+passSources)
}

// addKeyPassInFlag registers --passin for a command whose --key may be encrypted.
func addKeyPassInFlag(cmd *cobra.Command, passIn *string) {
	cmd.Flags().StringVar(passIn, "passin", "", "passphrase `SOURCE` of --key: "+passSources)
}

// addEncryptPassOutFlag registers --passout for a command whose --encrypt asks for a
// passphrase: giving one is asking to encrypt.
func addEncryptPassOutFlag(cmd *cobra.Command, passOut *string) {
	cmd.Flags().StringVar(passOut, "passout", "", "passphrase `SOURCE` for --encrypt: "+passSources+" (implies --encrypt)")
}

// addPK8Flag registers --pk8 for a command that writes a client bundle.
func addPK8Flag(cmd *cobra.Command, pk8 *bool) {
	cmd.Flags().BoolVar(pk8, "pk8", false, "also write postgresql.pk8, the key as DER PKCS#8 for the JDBC driver")
}

// addServerHostsFlag registers --host for a command that makes a server certificate.
func addServerHostsFlag(cmd *cobra.Command, hosts *[]string) {
	cmd.Flags().StringArrayVar(hosts, "host", nil, "a host `NAME` or IP address clients connect to (repeatable; default: this host's name and localhost)")
}

// addConnHostFlag registers --host for a command that prints a client's connection
// string.
func addConnHostFlag(cmd *cobra.Command, host *string) {
	cmd.Flags().StringVar(host, "host", "", "the server's host `NAME`, for the printed connection string")
}

// addPgdataFlag registers -D/--pgdata, completed with directories.
func addPgdataFlag(cmd *cobra.Command, dir *string, usage string) {
	cmd.Flags().StringVarP(dir, "pgdata", "D", "", usage)
	cmd.MarkFlagDirname("pgdata")
}

// addOutFlag registers -o/--out naming a file, completed with files ending in exts.
func addOutFlag(cmd *cobra.Command, out *string, value, usage string, exts ...string) {
	cmd.Flags().StringVarP(out, "out", "o", value, usage)
	cmd.MarkFlagFilename("out", exts...)
}

// addOutDirFlag registers -o/--out naming a directory, completed with directories.
func addOutDirFlag(cmd *cobra.Command, out *string, usage string) {
	cmd.Flags().StringVarP(out, "out", "o", "", usage)
	cmd.MarkFlagDirname("out")
}

// addMetricsFileFlag registers --metrics-file; more says when it applies.
func addMetricsFileFlag(cmd *cobra.Command, file *string, more string) {
	cmd.Flags().StringVar(file, "metrics-file", "", metricsFlagUsage+more)
	cmd.MarkFlagFilename("metrics-file", "prom")
}

// The extensions a flag naming a certificate or a key file completes with: PEM files
// go by .pem as often as anything else, and pgcert reads DER wherever openssl does.
var (
	certExts = []string{"crt", "pem", "der"}
	keyExts  = []string{"key", "pem", "der"}
)

// addFileFlag registers --name naming an input file, completed with files ending in
// exts (any file without exts).
func addFileFlag(cmd *cobra.Command, file *string, name, usage string, exts ...string) {
	cmd.Flags().StringVar(file, name, "", usage)
	cmd.MarkFlagFilename(name, exts...)
}

// addFileListFlag registers a repeatable --name naming input files, completed as
// addFileFlag's.
func addFileListFlag(cmd *cobra.Command, files *[]string, name, usage string, exts ...string) {
	cmd.Flags().StringArrayVar(files, name, nil, usage)
	cmd.MarkFlagFilename(name, exts...)
}
