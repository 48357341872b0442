package cmdutil

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

// AddKeyTypeFlags registers --type, --curve and --bits for a command that makes a key.
func AddKeyTypeFlags(cmd *cobra.Command, typ, curve *string, bits *int) {
	AddKeyTypeFlagsWhen(cmd, "", typ, curve, bits)
}

// AddKeyTypeFlagsWhen registers --type, --curve and --bits for a command that makes a
// key only in one mode, which when names (" with -D"). The values listed are those
// pkg/keys makes, so that a new type shows in every command's help at once.
func AddKeyTypeFlagsWhen(cmd *cobra.Command, when string, typ, curve *string, bits *int) {
	fl := cmd.Flags()
	fl.StringVar(typ, "type", "ec", "key type"+when+": "+orList(keys.Types()))
	fl.StringVar(curve, "curve", "P-256", "ECDSA curve"+when+": "+orList(keys.Curves()))
	fl.IntVar(bits, "bits", keys.DefaultRSABits, "RSA key size"+when+": 2048, 3072 or 4096")
	cmd.RegisterFlagCompletionFunc("type", KeyTypeCompletion)
	cmd.RegisterFlagCompletionFunc("curve", CurveCompletion)
	cmd.RegisterFlagCompletionFunc("bits", FixedCompletion("2048", "3072", "4096"))
}

// AddForceFlag registers -f/--force for a command that writes one output file:
// without it, pgcert never replaces a file.
func AddForceFlag(cmd *cobra.Command, force *bool) {
	cmd.Flags().BoolVarP(force, "force", "f", false, "replace an existing output file")
}

// AddForceFilesFlag registers -f/--force for a command that writes a key and what
// goes with it.
func AddForceFilesFlag(cmd *cobra.Command, force *bool) {
	cmd.Flags().BoolVarP(force, "force", "f", false, "replace existing files")
}

// AddForceCAFlag registers -f/--force for a command that makes a CA: what it allows
// are the CA refusals createCA makes.
func AddForceCAFlag(cmd *cobra.Command, force *bool) {
	cmd.Flags().BoolVarP(force, "force", "f", false, "allow a CA inside a data directory, or an Ed25519 CA key")
}

// AddCAPassInFlag registers --passin for a command that signs with the CA's key.
func AddCAPassInFlag(cmd *cobra.Command, passIn *string) {
	cmd.Flags().StringVar(passIn, "passin", "", "passphrase `SOURCE` of the CA key: "+passSources)
}

// AddKeyPassInFlag registers --passin for a command whose --key may be encrypted.
func AddKeyPassInFlag(cmd *cobra.Command, passIn *string) {
	cmd.Flags().StringVar(passIn, "passin", "", "passphrase `SOURCE` of --key: "+passSources)
}

// AddEncryptPassOutFlag registers --passout for a command whose --encrypt asks for a
// passphrase: giving one is asking to encrypt.
func AddEncryptPassOutFlag(cmd *cobra.Command, passOut *string) {
	cmd.Flags().StringVar(passOut, "passout", "", "passphrase `SOURCE` for --encrypt: "+passSources+" (implies --encrypt)")
}

// AddPK8Flag registers --pk8 for a command that writes a client bundle.
func AddPK8Flag(cmd *cobra.Command, pk8 *bool) {
	cmd.Flags().BoolVar(pk8, "pk8", false, "also write postgresql.pk8, the key as DER PKCS#8 for the JDBC driver")
}

// AddServerHostsFlag registers --host for a command that makes a server certificate.
func AddServerHostsFlag(cmd *cobra.Command, hosts *[]string) {
	cmd.Flags().StringArrayVar(hosts, "host", nil, "a host `NAME` or IP address clients connect to (repeatable; default: this host's name and localhost)")
}

// AddConnHostFlag registers --host for a command that prints a client's connection
// string.
func AddConnHostFlag(cmd *cobra.Command, host *string) {
	cmd.Flags().StringVar(host, "host", "", "the server's host `NAME`, for the printed connection string")
}

// AddPgdataFlag registers -D/--pgdata, completed with directories.
func AddPgdataFlag(cmd *cobra.Command, dir *string, usage string) {
	cmd.Flags().StringVarP(dir, "pgdata", "D", "", usage)
	cmd.MarkFlagDirname("pgdata")
}

// AddOutFlag registers -o/--out naming a file, completed with files ending in exts.
func AddOutFlag(cmd *cobra.Command, out *string, value, usage string, exts ...string) {
	cmd.Flags().StringVarP(out, "out", "o", value, usage)
	cmd.MarkFlagFilename("out", exts...)
}

// AddOutDirFlag registers -o/--out naming a directory, completed with directories.
func AddOutDirFlag(cmd *cobra.Command, out *string, usage string) {
	cmd.Flags().StringVarP(out, "out", "o", "", usage)
	cmd.MarkFlagDirname("out")
}

// AddMetricsFileFlag registers --metrics-file; more says when it applies.
func AddMetricsFileFlag(cmd *cobra.Command, file *string, more string) {
	cmd.Flags().StringVar(file, "metrics-file", "", MetricsFlagUsage+more)
	cmd.MarkFlagFilename("metrics-file", "prom")
}

// The extensions a flag naming a certificate or a key file completes with: PEM files
// go by .pem as often as anything else, and pgcert reads DER wherever openssl does.
var (
	CertExts = []string{"crt", "pem", "der"}
	KeyExts  = []string{"key", "pem", "der"}
)

// AddFileFlag registers --name naming an input file, completed with files ending in
// exts (any file without exts).
func AddFileFlag(cmd *cobra.Command, file *string, name, usage string, exts ...string) {
	cmd.Flags().StringVar(file, name, "", usage)
	cmd.MarkFlagFilename(name, exts...)
}

// AddFileListFlag registers a repeatable --name naming input files, completed as
// AddFileFlag's.
func AddFileListFlag(cmd *cobra.Command, files *[]string, name, usage string, exts ...string) {
	cmd.Flags().StringArrayVar(files, name, nil, usage)
	cmd.MarkFlagFilename(name, exts...)
}

// MetricsFlagUsage describes --metrics-file, the same for renew and check --expiring.
const MetricsFlagUsage = "write the state as Prometheus metrics to `FILE` (for node_exporter's textfile collector: a .prom file in its directory)"

// KeyTypeCompletion and CurveCompletion list the values of --type and --curve.
var (
	KeyTypeCompletion = FixedCompletion(keys.Types()...)
	CurveCompletion   = FixedCompletion(keys.Curves()...)
)
