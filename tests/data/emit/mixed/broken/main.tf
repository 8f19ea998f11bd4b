# Emitter fixture (tests/emit.rs): a parse error; the other files are still linted.
resource "aws_instance" "broken" {
  instance_type =
}
