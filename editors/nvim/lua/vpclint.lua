-- vpclint's language server in Neovim, without plugins, for Neovim 0.7 (Debian 12's) and
-- 0.8 or later. Put this directory on 'runtimepath' (or copy lua/vpclint.lua into your
-- config's lua/) and, in init.lua:
--
--   require('vpclint').setup({
--     init_options = { accessModel = 'legacy', region = 'ap-northeast-1' },
--     -- cmd = { '/path/to/vpclint', 'lsp' },   -- default: vpclint on PATH
--   })
--
-- Terraform, CloudFormation and plan files then get vpclint's diagnostics as you type, its
-- hover on instance types, and the "Suppress … here" quick fix (vim.lsp.buf.code_action()).
-- One server runs per workspace: the nearest directory above the file that holds .git,
-- else the file's directory. Neovim 0.8+ starts it with vim.lsp.start; 0.7 with
-- vim.lsp.start_client, reusing the client of the same root.
local M = {}

M.patterns = { '*.tf', '*.tf.json', '*.tfvars', '*.tfvars.json', '*.yaml', '*.yml', '*.json', '*.template' }

-- The workspace of a file: the directory holding the nearest .git (a directory, or a file
-- in a worktree), else the file's own directory. Only functions Neovim 0.7 has.
function M.root_dir(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local git_dir = vim.fn.finddir('.git', dir .. ';')
  if git_dir ~= '' then
    return vim.fn.fnamemodify(git_dir, ':p:h:h')
  end
  local git_file = vim.fn.findfile('.git', dir .. ';')
  if git_file ~= '' then
    return vim.fn.fnamemodify(git_file, ':p:h')
  end
  return dir
end

local started = {} -- root → client id (Neovim 0.7)

-- Starts (or reuses) the server for the buffer's workspace and attaches the buffer.
function M.start(bufnr, opts)
  opts = opts or {}
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' then
    return nil
  end
  local root = M.root_dir(path)
  local config = {
    name = 'vpclint',
    cmd = opts.cmd or { 'vpclint', 'lsp' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = opts.init_options,
  }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = started[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    started[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

function M.setup(opts)
  local group = vim.api.nvim_create_augroup('vpclint', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
    group = group,
    pattern = M.patterns,
    callback = function(args)
      M.start(args.buf, opts)
    end,
  })
end

return M
