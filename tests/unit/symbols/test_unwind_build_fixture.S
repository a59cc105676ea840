/* Functions whose call frame information is known exactly, for test_unwind_build.c. They
 * are never called; each label marks an address where a given rule holds. */
	.text

	.globl uwfix_rsp
	.type uwfix_rsp, @function
uwfix_rsp:                      /* CFA = rsp + 8 */
	.cfi_startproc
	push %rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	.globl uwfix_rsp_pushed
uwfix_rsp_pushed:               /* CFA = rsp + 16 */
	sub $32, %rsp
	.cfi_def_cfa_offset 48
	.globl uwfix_rsp_framed
uwfix_rsp_framed:               /* CFA = rsp + 48 */
	nop
	add $32, %rsp
	.cfi_def_cfa_offset 16
	pop %rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size uwfix_rsp, .-uwfix_rsp

	.globl uwfix_rbp
	.type uwfix_rbp, @function
uwfix_rbp:
	.cfi_startproc
	push %rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov %rsp, %rbp
	.cfi_def_cfa_register %rbp
	.globl uwfix_rbp_framed
uwfix_rbp_framed:               /* CFA = rbp + 16, caller's rbp at CFA - 16 */
	nop
	pop %rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size uwfix_rbp, .-uwfix_rbp

	.globl uwfix_outermost
	.type uwfix_outermost, @function
uwfix_outermost:                /* the return address is undefined: a walk ends here */
	.cfi_startproc
	.cfi_undefined %rip
	nop
	hlt
	.cfi_endproc
	.size uwfix_outermost, .-uwfix_outermost

	.globl uwfix_expression
	.type uwfix_expression, @function
uwfix_expression:
	.cfi_startproc
	nop
	/* DW_CFA_def_cfa_expression: DW_OP_breg7 (rsp) 8, DW_OP_deref: not a rule memmon follows */
	.cfi_escape 0x0f, 0x03, 0x77, 0x08, 0x06
	.globl uwfix_expression_set
uwfix_expression_set:
	nop
	ret
	.cfi_endproc
	.size uwfix_expression, .-uwfix_expression

	.section .note.GNU-stack, "", @progbits
