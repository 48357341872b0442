package fsutil

import (
	"crypto/rand"
	"encoding/hex"
)

// randomSuffix names temporary files; 8 random bytes make a collision with a file an
// attacker guessed ahead of time hopeless, and O_EXCL catches one anyway.
func randomSuffix() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
