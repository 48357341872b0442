package keys

// MaxInputSize is the largest input Parse and Inspect accept. The biggest key anyone
// uses, an encrypted RSA 16384 PEM, is about 13 KB; 1 MiB is far above any key file yet
// refuses at once a file that is plainly something else (a database file, a tarball)
// instead of searching it for PEM blocks.
const MaxInputSize = 1 << 20

// MaxIterations is the highest PBKDF2 or PKCS#12 KDF iteration count Parse accepts.
// Keys written by openssl use 2048 and pgcert's use DefaultIterations; ten million takes
// a few seconds, so an input cannot make a caller (or `pgcert check` run on a stranger's
// file) hang for hours with an iteration count of 2^31.
const MaxIterations = 10_000_000

// MaxScryptMemory is the most memory, in bytes, a scrypt-encrypted key may ask for,
// counted as openssl counts it: 128·r·(N+2) + 128·r·p. It is openssl's own default
// limit (32 MiB): a key openssl cannot read is not worth reading, and an input cannot
// make the caller allocate gigabytes.
const MaxScryptMemory = 32 << 20

// MaxScryptCost bounds scrypt's running time, which grows with N·r·p while its memory
// grows only with N·r: within MaxScryptMemory, p alone could still ask for hours of
// work. openssl's default parameters (N=16384, r=8, p=1) cost 2^17; this allows 32
// times that, a second or two.
const MaxScryptCost = 1 << 22

// limits are the caps one parse applies. Parse uses defaultLimits; the fuzz target uses
// lower ones so that each run stays fast.
type limits struct {
	iterations   uint64
	scryptMemory uint64
	scryptCost   uint64
}

var defaultLimits = limits{
	iterations:   MaxIterations,
	scryptMemory: MaxScryptMemory,
	scryptCost:   MaxScryptCost,
}
