#!/bin/sh
# Makes speech.wav, the speech file of the voice activity tests and the demo's fake microphone: three phrases spoken
# by espeak-ng, with silence before, between and after them, as 16 kHz mono 16-bit PCM. Run once; the WAV is committed.
# Needs Debian's espeak-ng and sox (apt-get install espeak-ng sox).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
silence() { sox -n -r 16000 -c 1 -b 16 "$tmp/$1.wav" trim 0 "$2"; }
say() { espeak-ng -v en-us -s 180 -w "$tmp/raw-$1.wav" "$2" && sox "$tmp/raw-$1.wav" -r 16000 -c 1 -b 16 "$tmp/$1.wav"; }
silence s0 0.6
say p1 "Hello, this is a test."
silence s1 0.9
say p2 "Speech in the browser."
silence s2 0.9
say p3 "Goodbye."
silence s3 0.6
sox "$tmp/s0.wav" "$tmp/p1.wav" "$tmp/s1.wav" "$tmp/p2.wav" "$tmp/s2.wav" "$tmp/p3.wav" "$tmp/s3.wav" speech.wav
soxi speech.wav
