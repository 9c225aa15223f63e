# Used by test.sh: prints each failed test of the TRX files it reads, with the first lines of its message and
# the test-source line it failed at, so the end of a CI log says what failed without the whole log.
function unescape(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "'", s); gsub(/&amp;/, "\\&", s); return s }
/<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
  name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
  print "FAILED " unescape(name)
  inResult = !/\/>[ \t\r]*$/; inMessage = 0; shown = 0; located = 0; next
}
inResult && /<Message>/ { inMessage = 1; sub(/.*<Message>/, "") }
inResult && inMessage {
  line = $0; done = sub(/<\/Message>.*/, "", line)
  if (shown < 8) { print "    " unescape(line); shown++ }
  if (done) inMessage = 0
  next
}
inResult && !located && /\/tests\/.*:line [0-9]+/ { line = $0; sub(/^.*<StackTrace>/, "", line); sub(/^ */, "", line); print "    " unescape(line); located = 1 }
inResult && /<\/UnitTestResult>/ { inResult = 0 }
