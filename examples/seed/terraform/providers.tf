# The 2018 write-up's design (ap-northeast-1): vpclint reports exactly one VPC001, on aws_instance.legacy (m4.large).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "ap-northeast-1"
}
