# Emitter fixture (tests/emit.rs): one finding, one unchecked resource. Expect EC2001 on
# aws_instance.batch and aws_instance.web unchecked (its type is a variable).

provider "aws" {
  region = "ap-northeast-1"
}

variable "instance_type" {
  type = string
}

resource "aws_vpc" "app" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.app.id
  cidr_block = "10.30.0.0/24"
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = var.instance_type
  subnet_id     = aws_subnet.app.id
}

resource "aws_instance" "batch" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.lage"
  subnet_id     = aws_subnet.app.id
}
