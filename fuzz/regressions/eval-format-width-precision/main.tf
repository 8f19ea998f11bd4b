# format() with a width or precision Rust's formatter or the allocator refuse: the run
# aborted (width) or the module's findings were lost to a panic (precision).
locals {
  width     = format("%999999999999d", 1)
  precision = format("%.999999999999f", 1)
  long      = format("%.100000f", 1)
  string    = format("%999999999s", "a")
}

resource "aws_instance" "a" {
  instance_type = local.width
}

resource "aws_instance" "b" {
  instance_type = local.precision
}

resource "aws_instance" "c" {
  instance_type = substr(local.long, 0, 8)
}

resource "aws_instance" "d" {
  instance_type = local.string
}
